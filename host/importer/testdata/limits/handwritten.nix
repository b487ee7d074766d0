{ ... }:
{
  khepri.compositions.limits.services = {
    worker = {
      image = "example/worker";
      cpuShares = 512;
      cpuPeriod = 100000;
      cpuQuota = 50000;
      cpuRtPeriod = "1s";
      cpuRtRuntime = "950ms";
      cpuset = "0-3";
      memLimit = 1073741824;
      memReservation = "256mb";
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
            rate = 12582912;
          }
        ];
        deviceWriteBps = [
          {
            path = "/dev/sda";
            rate = "1m";
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
      gpus = [ { count = "all"; } ];
    };
    trainer = {
      image = "example/trainer";
      cpus = "1.5";
      gpus = [
        {
          driver = "nvidia";
          deviceIds = [
            "0"
            "1"
          ];
          capabilities = [
            "gpu"
            "utility"
          ];
        }
      ];
    };
  };
}
