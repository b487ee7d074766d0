# The run settings (nixlib/options/service-runtime.nix, service-limits.nix,
# service-health.nix): a service using them reaches the container and its unit (that
# their nested options are the proto messages' fields is checked in schema.nix).
{ lib, evalHost, ... }:
let
  host =
    backend: services:
    evalHost [
      { virtualisation.oci-containers.backend = backend; }
      { khepri.compositions.app.services = services; }
    ];
in
{
  "test: run settings reach oci-containers options, flags and the unit" = {
    expr =
      let
        config = host "docker" {
          web = {
            image = "example/web:1";
            user = "1000";
            workingDir = "/srv";
            hostname = "web";
            privileged = true;
            pullPolicy = "always";
            logging.driver = "json-file";
            stopGracePeriod = "1m";
            ulimits.nofile = 1024;
            gpus = "all";
            healthcheck.test = "true";
            preStop = [ { command = "drain"; } ];
          };
        };
        ctr = config.virtualisation.oci-containers.containers.app-web;
        unit = config.systemd.services.docker-app-web;
      in
      {
        inherit (ctr)
          user
          workdir
          hostname
          privileged
          pull
          log-driver
          ;
        flags = lib.filter (f: !lib.hasPrefix "--network" f) ctr.extraOptions;
        inherit (unit.serviceConfig) TimeoutStopSec;
        inherit (unit) preStop;
      };
    expected = {
      user = "1000";
      workdir = "/srv";
      hostname = "web";
      privileged = true;
      pull = "always";
      log-driver = "json-file";
      flags = [
        "--stop-timeout=60"
        "--ulimit=nofile=1024:1024"
        "--gpus=all"
        "--health-cmd=true"
      ];
      TimeoutStopSec = "90s";
      # The hook runs before oci-containers' own stop.
      preStop = ''
        docker exec app-web drain || echo 'khepri: khepri.compositions.app.services.web.preStop[0] failed' >&2

        docker stop app-web || true'';
    };
  };
  "test: podman takes the runtime before run and GPUs as CDI devices" = {
    expr =
      let
        ctr =
          (host "podman" {
            ml = {
              image = "example/ml:1";
              runtime = "crun";
              gpus = "all";
            };
          }).virtualisation.oci-containers.containers.app-ml;
      in
      {
        inherit (ctr) preRunExtraOptions devices;
      };
    expected = {
      preRunExtraOptions = [ "--runtime=crun" ];
      devices = [ "nvidia.com/gpu=all" ];
    };
  };
  "test: unset run settings keep oci-containers' defaults" = {
    expr =
      let
        ctr = (host "docker" { web.image = "example/web:1"; }).virtualisation.oci-containers.containers.app-web;
      in
      {
        inherit (ctr)
          user
          workdir
          pull
          log-driver
          preRunExtraOptions
          ;
      };
    expected = {
      user = null;
      workdir = null;
      pull = "missing";
      log-driver = "journald";
      preRunExtraOptions = [ ];
    };
  };
}
