# paperless-ngx with its database, broker, Tika and Gotenberg, reachable from the proxy.
{ ... }:
{
  khepri.compositions.paperless = {
    networks = {
      paperless = { };
      proxy_net = {
        external = true;
      };
    };
    volumes = [
      "data"
      "pgdata"
      "redisdata"
      "documents"
    ];
    services = {
      broker = {
        image = "docker.io/library/redis:7";
        volumes = [ "redisdata:/data:rw" ];
        networks = [ "paperless" ];
        restart = "unless-stopped";
      };
      db = {
        image = "docker.io/library/postgres:15";
        environment = {
          POSTGRES_DB = "paperless";
          POSTGRES_PASSWORD = "paperless";
          POSTGRES_USER = "paperless";
        };
        volumes = [ "pgdata:/var/lib/postgresql/data:rw" ];
        networks = [ "paperless" ];
        restart = "unless-stopped";
      };
      tika = {
        image = "ghcr.io/paperless-ngx/tika:latest";
        networks = [ "paperless" ];
        restart = "unless-stopped";
      };
      gotenberg = {
        image = "docker.io/gotenberg/gotenberg:7.8";
        cmd = [
          "gotenberg"
          "--chromium-disable-javascript=true"
          "--chromium-allow-list=file:///tmp/.*"
        ];
        networks = [ "paperless" ];
        restart = "unless-stopped";
      };
      webserver = {
        image = "ghcr.io/paperless-ngx/paperless-ngx:latest";
        containerName = "paperless_web";
        environment = {
          PAPERLESS_DBHOST = "db";
          PAPERLESS_REDIS = "redis://broker:6379";
          PAPERLESS_TASK_WORKERS = "2";
          PAPERLESS_TIKA_ENABLED = "1";
        };
        volumes = [
          "documents:/usr/src/paperless/media:rw"
          "data:/usr/src/paperless/data:rw"
        ];
        ports = [ "8000:8000/tcp" ];
        dependsOn = [
          "db"
          "broker"
          "tika"
          "gotenberg"
        ];
        networks = [
          "paperless"
          "proxy_net"
        ];
        restart = "unless-stopped";
      };
    };
  };
}
