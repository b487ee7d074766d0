{ ... }:
{
  khepri.compositions.paperless = {
    services = {
      broker = {
        image = "docker.io/library/redis:7";
        volumes = [ "redisdata:/data" ];
        networks = [ "paperless" ];
        restart = "unless-stopped";
      };
      db = {
        image = "docker.io/library/postgres:15";
        environment = {
          POSTGRES_DB = "paperless";
          POSTGRES_USER = "paperless";
        };
        envFile = toString ./db.env;
        volumes = [ "pgdata:/var/lib/postgresql/data" ];
        networks = [ "paperless" ];
        restart = "unless-stopped";
        stopGracePeriod = "1m";
        shmSize = "256m";
        healthcheck = {
          test = [
            "CMD-SHELL"
            "pg_isready -U paperless"
          ];
          interval = "10s";
          retries = 5;
        };
      };
      gotenberg = {
        image = "docker.io/gotenberg/gotenberg:8.7";
        command = [
          "gotenberg"
          "--chromium-disable-javascript=true"
          "--chromium-allow-list=file:///tmp/.*"
        ];
        networks = [ "paperless" ];
        restart = "unless-stopped";
        tmpfs = "/tmp";
      };
      tika = {
        image = "docker.io/apache/tika:latest";
        networks = [ "paperless" ];
        restart = "unless-stopped";
        user = "35002:35002";
        memLimit = "1g";
      };
      webserver = {
        image = "ghcr.io/paperless-ngx/paperless-ngx:latest";
        containerName = "paperless_web";
        environment = {
          PAPERLESS_DBHOST = "db";
          PAPERLESS_REDIS = "redis://broker:6379";
          PAPERLESS_TIKA_ENABLED = 1;
          PAPERLESS_TIKA_ENDPOINT = "http://tika:9998";
          PAPERLESS_TIKA_GOTENBERG_ENDPOINT = "http://gotenberg:3000";
        };
        envFile = toString ./docker-compose.env;
        volumes = [
          "data:/usr/src/paperless/data"
          "media:/usr/src/paperless/media"
          "${toString ./export}:/usr/src/paperless/export"
          "${toString ./consume}:/usr/src/paperless/consume"
        ];
        ports = [ "8000:8000" ];
        networks = {
          paperless = { };
          proxy_net.aliases = [ "paperless" ];
        };
        dependsOn = {
          broker = { };
          db.condition = "service_healthy";
          gotenberg = { };
          tika = { };
        };
        restart = "unless-stopped";
        logging = {
          driver = "json-file";
          options.max-size = "10m";
        };
        healthcheck = {
          test = [
            "CMD"
            "curl"
            "-fs"
            "-S"
            "--max-time"
            "2"
            "http://localhost:8000"
          ];
          interval = "30s";
          timeout = "10s";
          retries = 5;
        };
      };
    };
    networks = {
      paperless = { };
      proxy_net.external = true;
    };
    volumes = [
      "data"
      "media"
      "pgdata"
      "redisdata"
    ];
  };
}
