# enable, autoStart and profiles, at the composition and the service level.
{ evalHost, ... }:
let
  host = evalHost [
    {
      virtualisation.oci-containers.backend = "podman";
      khepri.compositions = {
        off = {
          enable = false;
          services.web.image = "example/web:1";
        };
        manual = {
          autoStart = false;
          services.web.image = "example/web:1";
        };
        app = {
          profiles = [ "debug" ];
          services = {
            web.image = "example/web:1";
            debugger = {
              image = "example/debug:1";
              profiles = [ "debug" ];
            };
            admin = {
              image = "example/admin:1";
              profiles = [ "admin" ];
            };
            worker = {
              image = "example/worker:1";
              enable = false;
            };
            lazy = {
              image = "example/lazy:1";
              autoStart = false;
            };
          };
        };
      };
    }
  ];
  units = host.systemd.services;
in
{
  "test: disabled compositions and services, and services of unselected profiles, are not generated" =
    {
      expr = builtins.attrNames host.virtualisation.oci-containers.containers;
      expected = [
        "app-debugger"
        "app-lazy"
        "app-web"
        "manual-web"
      ];
    };
  "test: a composition that does not start at boot has a target nothing wants" = {
    expr = host.systemd.targets.khepri-manual.wantedBy;
    expected = [ ];
  };
  "test: its containers are not started at boot either, but start with its target" = {
    expr = units.podman-manual-web.wantedBy;
    expected = [ "khepri-manual.target" ];
  };
  "test: a service that does not start with its composition still stops with it" = {
    expr = {
      inherit (units.podman-app-lazy) wantedBy partOf;
    };
    expected = {
      wantedBy = [ ];
      partOf = [ "khepri-app.target" ];
    };
  };
  "test: a service that starts with its composition starts at boot" = {
    expr = units.podman-app-web.wantedBy;
    expected = [
      "multi-user.target"
      "khepri-app.target"
    ];
  };
}
