{ ... }:
{
  khepri.compositions.healthcheck.services = {
    db = {
      image = "postgres:16";
      healthcheck = {
        test = [
          "CMD-SHELL"
          "pg_isready -U \${POSTGRES_USER}"
        ];
        interval = "10s";
        timeout = "5s";
        retries = 5;
        startPeriod = "90s";
        startInterval = "0.5s";
      };
      stopGracePeriod = "120s";
    };
    web = {
      image = "example/web";
      dependsOn.db.condition = "service_healthy";
      healthcheck.test = "curl -f http://localhost/ || exit 1";
      postStart = [
        {
          command = [
            "/app/warm-cache"
          ];
          user = "root";
          environment.CACHE = "on";
        }
        {
          command = "/app/migrate --wait";
          privileged = true;
          workingDir = "/app";
        }
      ];
      preStop = [
        {
          command = "/app/drain";
          environment.GRACE = 30;
        }
      ];
    };
    legacy = {
      image = "example/legacy";
      healthcheck.disable = true;
    };
  };
}
