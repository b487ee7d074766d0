# The paperless stack as a person writes it in Nix.
{ ... }:
let
  onPaperless = {
    restart = "unless-stopped";
    networks = [ "paperless" ];
  };
in
{
  khepri.compositions.paperless = {
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
    services = {
      broker = onPaperless // {
        image = "docker.io/library/redis:7";
        volumes = [ "redisdata:/data" ];
      };
      db = onPaperless // {
        image = "docker.io/library/postgres:15";
        volumes = [ "pgdata:/var/lib/postgresql/data" ];
        environment = {
          POSTGRES_DB = "paperless";
          POSTGRES_USER = "paperless";
        };
        envFile = toString ./db.env;
        healthcheck = {
          test = [
            "CMD-SHELL"
            "pg_isready -U paperless"
          ];
          interval = "10s";
          retries = 5;
        };
        stopGracePeriod = "60s";
        shmSize = "256m";
      };
      webserver = {
        image = "ghcr.io/paperless-ngx/paperless-ngx:latest";
        containerName = "paperless_web";
        restart = "unless-stopped";
        dependsOn = {
          broker = { };
          db.condition = "service_healthy";
          gotenberg = { };
          tika = { };
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
        logging = {
          driver = "json-file";
          options.max-size = "10m";
        };
        ports = [ "8000:8000" ];
        volumes = [
          "data:/usr/src/paperless/data"
          "media:/usr/src/paperless/media"
          "${toString ./export}:/usr/src/paperless/export"
          "${toString ./consume}:/usr/src/paperless/consume"
        ];
        envFile = [ (toString ./docker-compose.env) ];
        environment = {
          PAPERLESS_REDIS = "redis://broker:6379";
          PAPERLESS_DBHOST = "db";
          PAPERLESS_TIKA_ENABLED = 1;
          PAPERLESS_TIKA_GOTENBERG_ENDPOINT = "http://gotenberg:3000";
          PAPERLESS_TIKA_ENDPOINT = "http://tika:9998";
        };
        networks = {
          paperless = { };
          proxy_net.aliases = [ "paperless" ];
        };
      };
      gotenberg = onPaperless // {
        image = "docker.io/gotenberg/gotenberg:8.7";
        command = [
          "gotenberg"
          "--chromium-disable-javascript=true"
          "--chromium-allow-list=file:///tmp/.*"
        ];
        tmpfs = [ "/tmp" ];
      };
      tika = onPaperless // {
        image = "docker.io/apache/tika:latest";
        user = "35002:35002";
        memLimit = 1073741824;
      };
    };
  };
}
