{ ... }:
{
  khepri.compositions.deploy.services = {
    api = {
      image = "example/api";
      deploy = {
        resources = {
          limits = {
            cpus = "0.5";
            memory = "512M";
            pids = 100;
          };
          reservations = {
            memory = "128M";
            devices = [
              {
                capabilities = [ "gpu" ];
                count = 1;
              }
            ];
          };
        };
        restartPolicy = {
          condition = "on-failure";
          delay = "5s";
          maxAttempts = 3;
          window = "2m";
        };
        mode = "replicated";
        placement.constraints = [ "node.role==manager" ];
        updateConfig.parallelism = 1;
      };
      scale = 2;
    };
    cron = {
      image = "example/cron";
      scale = 0;
    };
  };
}
