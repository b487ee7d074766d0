{ ... }:
{
  khepri.compositions.deploy.services = {
    api = {
      image = "example/api";
      scale = 2;
      cpus = 0.5;
      memLimit = "512m";
      pidsLimit = 100;
      memReservation = 134217728;
      gpus = [
        {
          capabilities = [ "gpu" ];
          count = 1;
        }
      ];
      deploy = {
        restartPolicy = {
          condition = "on-failure";
          delay = "5s";
          maxAttempts = 3;
          window = "120s";
        };
        mode = "replicated";
        updateConfig.parallelism = 1;
        placement.constraints = [ "node.role==manager" ];
      };
    };
    cron = {
      image = "example/cron";
      scale = 0;
    };
  };
}
