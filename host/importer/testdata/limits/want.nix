{ ... }:
{
  khepri.compositions.limits.services = {
    trainer = {
      image = "example/trainer";
      cpus = 1.5;
      gpus = [
        {
          capabilities = [
            "gpu"
            "utility"
          ];
          deviceIds = [
            "0"
            "1"
          ];
          driver = "nvidia";
        }
      ];
    };
    worker = {
      image = "example/worker";
      cpuShares = 512;
      cpuPeriod = 100000;
      cpuQuota = 50000;
      cpuRtPeriod = 1000000;
      cpuRtRuntime = 950000;
      cpuset = "0-3";
      memLimit = "1g";
      memReservation = "256m";
      memSwappiness = 10;
      memswapLimit = -1;
      oomKillDisable = true;
      oomScoreAdj = 500;
      pidsLimit = 200;
      blkioConfig = {
        weight = 300;
        weightDevice = [
          {
            path = "/dev/sda";
            weight = 400;
          }
        ];
        deviceReadBps = [
          {
            path = "/dev/sda";
            rate = "12mb";
          }
        ];
        deviceWriteBps = [
          {
            path = "/dev/sda";
            rate = 1048576;
          }
        ];
        deviceReadIops = [
          {
            path = "/dev/sda";
            rate = 120;
          }
        ];
        deviceWriteIops = [
          {
            path = "/dev/sda";
            rate = 30;
          }
        ];
      };
      gpus = "all";
    };
  };
}
