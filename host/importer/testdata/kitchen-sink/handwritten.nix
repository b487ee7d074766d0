# The kitchen-sink project as a person writes it in Nix.
{ ... }:
let
  backOnly = {
    networks = [ "back" ];
  };
in
{
  khepri.compositions.kitchen-sink = {
    profiles = [ "tools" ];
    networks = {
      front.driverOpts."com.docker.network.bridge.name" = "br-ks";
      back = {
        internal = true;
        ipam.config = [ { subnet = "172.30.0.0/24"; } ];
      };
    };
    volumes.pgdata.labels = [ "com.example.backup=nightly" ];
    secrets.db_password.file = toString ./db_password.txt;
    configs.caddyfile.file = ./Caddyfile;
    services = {
      db = {
        image = "postgres:16";
        restart = "unless-stopped";
        environment.POSTGRES_PASSWORD_FILE = "/run/secrets/db_password";
        secrets = [ "db_password" ];
        volumes = [ "pgdata:/var/lib/postgresql/data" ];
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
        shmSize = 268435456;
        stopGracePeriod = "90s";
        networks.back.ipv4Address = "172.30.0.10";
      };
      web = {
        image = "caddy:2";
        containerName = "ks-web";
        dependsOn = {
          db.condition = "service_healthy";
          cache.restart = true;
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
        capDrop = [ "ALL" ];
        capAdd = [ "NET_BIND_SERVICE" ];
        securityOpt = [ "no-new-privileges:true" ];
        sysctls."net.ipv4.ip_unprivileged_port_start" = 0;
        ulimits.nofile = {
          soft = 1024;
          hard = 4096;
        };
        labelFile = [ (toString ./web.labels) ];
        labels."com.example.role" = "front edge";
        annotations = [ "com.example.owner=ops" ];
        logging = {
          driver = "journald";
          options.tag = "{{.Name}}";
        };
        deploy.resources.limits = {
          cpus = "0.5";
          memory = 536870912;
          pids = 100;
        };
        extraHosts."host.docker.internal" = "host-gateway";
        dns = "9.9.9.9";
        ports = [
          "80:80"
          {
            target = 443;
            published = "443";
            appProtocol = "https";
          }
        ];
        configs = [
          {
            source = "caddyfile";
            target = "/etc/caddy/Caddyfile";
          }
        ];
        volumes = [
          "${toString ./site}:/srv:ro"
          {
            type = "tmpfs";
            target = "/data";
            tmpfs.size = 16777216;
          }
        ];
        postStart = [ { command = "caddy validate --config /etc/caddy/Caddyfile"; } ];
        preStop = [
          {
            command = [
              "caddy"
              "stop"
            ];
          }
        ];
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
        networks = {
          front = {
            aliases = [ "www" ];
            priority = 10;
          };
          back = { };
        };
        deploy.restartPolicy = {
          condition = "on-failure";
          maxAttempts = 5;
        };
      };
      cache = backOnly // {
        image = "redis:7";
        restart = "unless-stopped";
        command = [
          "redis-server"
          "--save"
          ""
          "--appendonly"
          "no"
        ];
        expose = [ "6379" ];
        memLimit = "256m";
      };
      worker = backOnly // {
        image = "example/worker";
        entrypoint = [ ];
        command = [
          "run"
          "--queue"
          "\${QUEUE}"
        ];
        environment.QUEUE = "default";
        scale = 2;
        stopSignal = "SIGINT";
      };
      debug = {
        image = "nicolaka/netshoot";
        profiles = [ "tools" ];
        networkMode = "service:web";
        stdinOpen = true;
        tty = true;
      };
      admin = {
        image = "example/admin";
        profiles = [ "admin" ];
      };
    };
  };
}
