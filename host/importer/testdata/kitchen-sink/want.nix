{ ... }:
{
  khepri.compositions.kitchen-sink = {
    services = {
      admin = {
        image = "example/admin";
        profiles = [ "admin" ];
      };
      cache = {
        image = "redis:7";
        command = "redis-server --save \"\" --appendonly no";
        networks = [ "back" ];
        restart = "unless-stopped";
        expose = [ 6379 ];
        deploy.resources.limits.memory = "256M";
        scale = 1;
      };
      db = {
        image = "postgres:16";
        environment.POSTGRES_PASSWORD_FILE = "/run/secrets/db_password";
        volumes = [ "pgdata:/var/lib/postgresql/data" ];
        networks.back.ipv4Address = "172.30.0.10";
        restart = "unless-stopped";
        stopGracePeriod = "1m30s";
        shmSize = "256m";
        healthcheck = {
          test = [
            "CMD-SHELL"
            "pg_isready -U postgres"
          ];
          interval = "10s";
          timeout = "5s";
          retries = 5;
          startPeriod = "30s";
        };
        secrets = [ "db_password" ];
      };
      debug = {
        image = "nicolaka/netshoot";
        networkMode = "service:web";
        stdinOpen = true;
        tty = true;
        profiles = [ "tools" ];
      };
      web = {
        image = "caddy:2";
        containerName = "ks-web";
        volumes = [
          "${toString ./site}:/srv:ro"
          {
            type = "tmpfs";
            target = "/data";
            tmpfs.size = "16m";
          }
        ];
        ports = [
          "80:80"
          {
            target = 443;
            published = 443;
            appProtocol = "https";
          }
        ];
        capAdd = [ "NET_BIND_SERVICE" ];
        capDrop = [ "ALL" ];
        networks = {
          back = { };
          front = {
            aliases = [ "www" ];
            priority = 10;
          };
        };
        extraHosts = [ "host.docker.internal:host-gateway" ];
        labels."com.example.role" = "front edge";
        dependsOn = {
          cache.restart = true;
          db.condition = "service_healthy";
        };
        hostname = "web";
        user = "1000:1000";
        workingDir = "/srv";
        readOnly = true;
        init = true;
        tmpfs = [
          "/tmp"
          "/run"
        ];
        sysctls = [ "net.ipv4.ip_unprivileged_port_start=0" ];
        ulimits.nofile = {
          soft = 1024;
          hard = 4096;
        };
        securityOpt = [ "no-new-privileges:true" ];
        logging = {
          driver = "journald";
          options.tag = "{{.Name}}";
        };
        annotations."com.example.owner" = "ops";
        labelFile = toString ./web.labels;
        dns = [ "9.9.9.9" ];
        cpus = 0.5;
        memLimit = "512m";
        pidsLimit = 100;
        deploy.restartPolicy = {
          condition = "on-failure";
          maxAttempts = 5;
        };
        healthcheck = {
          test = [
            "CMD"
            "wget"
            "-q"
            "--spider"
            "http://localhost/"
          ];
          startInterval = "2s";
        };
        postStart = [
          {
            command = [
              "caddy"
              "validate"
              "--config"
              "/etc/caddy/Caddyfile"
            ];
          }
        ];
        preStop = [ { command = "caddy stop"; } ];
        configs = [
          {
            source = "caddyfile";
            target = "/etc/caddy/Caddyfile";
          }
        ];
      };
      worker = {
        image = "example/worker";
        command = [
          "run"
          "--queue"
          "\${QUEUE}"
        ];
        entrypoint = [ ];
        environment.QUEUE = "default";
        envFile = [ ];
        networks = [ "back" ];
        stopSignal = "SIGINT";
        scale = 2;
      };
    };
    networks = {
      back = {
        internal = true;
        ipam.config = [ { subnet = "172.30.0.0/24"; } ];
      };
      front.driverOpts."com.docker.network.bridge.name" = "br-ks";
    };
    volumes.pgdata.labels."com.example.backup" = "nightly";
    secrets.db_password.file = toString ./db_password.txt;
    configs.caddyfile.file = ./Caddyfile;
    profiles = [ "tools" ];
  };
}
