# Scheduled pull policies: each composition with one gets a pull unit, which runs
# `khepri pull-images` with the plan, and a timer that starts it; through the module and
# through lib.expand's nixosModule alike.
{
  lib,
  pkgs,
  khepri,
  evalHost,
  failedAssertions,
  ...
}:
let
  khepriLib = import ../../../nixlib { inherit lib; };
  services = {
    db.image = "docker.io/library/postgres:15";
    api = {
      image = "ghcr.io/example/api:2";
      pullPolicy = "every_12h";
      dependsOn = [ "db" ];
    };
    web = {
      image = "ghcr.io/example/web:latest";
      pullPolicy = "daily";
      dependsOn = [ "api" ];
    };
  };
  hostWith =
    backend: composition:
    evalHost [
      { virtualisation.oci-containers.backend = backend; }
      { khepri.compositions.app = composition; }
    ];
  docker = hostWith "docker" { inherit services; };
  viaLib = evalHost [
    (khepriLib.expand {
      inherit pkgs;
      backend = "docker";
      package = khepri;
      compositions.app = { inherit services; };
    }).nixosModule
    { virtualisation.oci-containers.backend = "docker"; }
  ];
  rootless = evalHost [
    {
      virtualisation.oci-containers.backend = "podman";
      users.users.alice = {
        isNormalUser = true;
        uid = 1500;
      };
      khepri.compositions.app = {
        podman.user = "alice";
        services.web = {
          image = "ghcr.io/example/web:latest";
          pullPolicy = "refresh";
          pullRefreshAfter = "36h";
        };
      };
    }
  ];
  plain = hostWith "docker" { services.db.image = "postgres:15"; };
  pullUnit = host: host.systemd.services.khepri-app-pull;
  # The plan is the one argument of --plan.
  planOf =
    host:
    let
      m = builtins.match "khepri pull-images --plan '([^']*)' --state /var/lib/khepri/pull/app.json\n" (
        pullUnit host
      ).script;
    in
    if m == null then null else builtins.fromJSON (builtins.head m);
in
{
  "test: a scheduled pull policy gives the composition a timer on its shortest interval" = {
    expr = {
      inherit (docker.systemd.timers.khepri-app-pull) wantedBy timerConfig;
      inherit (docker.virtualisation.oci-containers.containers.app-web) pull;
      assertions = failedAssertions docker;
    };
    expected = {
      wantedBy = [ "timers.target" ];
      timerConfig = {
        OnCalendar = "*-*-* 00/12:00:00";
        Persistent = "true";
        RandomizedDelaySec = "3600s";
      };
      pull = "missing";
      assertions = [ ];
    };
  };
  "test: the pull unit runs khepri pull-images with the plan, in start order, outside the target" = {
    expr = {
      inherit ((pullUnit docker).serviceConfig) Type StateDirectory;
      inherit (pullUnit docker) after partOf wantedBy;
      path = map (p: p.name or (toString p)) (lib.take 2 (pullUnit docker).path);
      plan = planOf docker;
    };
    expected = {
      Type = "oneshot";
      StateDirectory = "khepri/pull";
      after = [
        "docker.service"
        "docker.socket"
        "docker-app-api.service"
        "docker-app-db.service"
        "docker-app-web.service"
        "network-online.target"
      ];
      partOf = [ ];
      wantedBy = [ ];
      path = [
        "docker"
        "khepri"
      ];
      plan = {
        composition = "app";
        backend = "docker";
        services = [
          {
            name = "api";
            image = "ghcr.io/example/api:2";
            every = "12h0m0s";
            containers = [ "app-api" ];
            units = [ "docker-app-api.service" ];
          }
          {
            name = "web";
            image = "ghcr.io/example/web:latest";
            every = "24h0m0s";
            containers = [ "app-web" ];
            units = [ "docker-app-web.service" ];
          }
        ];
      };
    };
  };
  "test: lib.expand's nixosModule applies the pull unit and the timer as the module does" = {
    expr = {
      timers = viaLib.systemd.timers;
      script = (pullUnit viaLib).script;
    };
    expected = {
      timers = docker.systemd.timers;
      script = (pullUnit docker).script;
    };
  };
  "test: a rootless composition's pull unit runs as root, after the user's manager, and pulls in the user's podman" = {
    expr = {
      user = (pullUnit rootless).serviceConfig.User or "root";
      inherit (pullUnit rootless) after requires;
      plan = {
        inherit (planOf rootless) user uid;
      };
      inherit (rootless.systemd.timers.khepri-app-pull) timerConfig;
    };
    expected = {
      user = "root";
      after = [
        "podman-app-web.service"
        "network-online.target"
        "user@1500.service"
      ];
      requires = [ "user@1500.service" ];
      plan = {
        user = "alice";
        uid = 1500;
      };
      timerConfig = {
        OnBootSec = "900s";
        OnUnitActiveSec = "129600s";
        RandomizedDelaySec = "3600s";
      };
    };
  };
  "test: a composition without a scheduled pull policy has no pull unit and no timer" = {
    expr = {
      timers = plain.systemd.timers;
      units = builtins.attrNames plain.systemd.services;
    };
    expected = {
      timers = { };
      units = [
        "docker-app-db"
        "khepri-app-resources"
      ];
    };
  };
}
