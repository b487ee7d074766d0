# The run settings (nixlib/options/service-runtime.nix, service-limits.nix,
# service-health.nix): their nested options are the proto messages' fields, and a
# service using them reaches the container and its unit.
{ lib, evalHost, ... }:
let
  proto = builtins.readFile ../../../proto/khepri/v1/expander.proto;

  # The JSON names of a message's fields, as in schema.nix.
  fieldsOf =
    message:
    let
      body = builtins.head (builtins.match ".*\nmessage ${message} \\{\n([^}]*)\n}.*" proto);
      field = line: builtins.match " *(repeated |optional )?[A-Za-z0-9_.<>, ]+ ([a-z_0-9]+) = [0-9]+;.*" line;
      snake = builtins.concatMap (
        l:
        let
          m = field l;
        in
        if m == null then [ ] else [ (builtins.elemAt m 1) ]
      ) (lib.splitString "\n" body);
      camel =
        name:
        let
          parts = lib.splitString "_" name;
        in
        builtins.head parts + lib.concatMapStrings lib.toSentenceCase (builtins.tail parts);
    in
    lib.sort lib.lessThan (map camel snake);

  compositions = (import ../../../nixlib/options { inherit lib; }).compositions;
  service = (compositions.type.getSubOptions [ ]).services.type.getSubOptions [ ];
  # nullOr, listOf, attrsOf and coercedTo hand getSubOptions down to the submodule.
  sub = opt: opt.type.getSubOptions [ ];
  names = opts: lib.sort lib.lessThan (lib.remove "_module" (builtins.attrNames opts));
  deploy = sub service.deploy;
  resources = sub deploy.resources;

  messages = {
    Ulimit = sub service.ulimits;
    Logging = sub service.logging;
    BlkioConfig = sub service.blkioConfig;
    WeightDevice = sub (sub service.blkioConfig).weightDevice;
    ThrottleDevice = sub (sub service.blkioConfig).deviceReadBps;
    DeviceRequest = sub service.gpus;
    Healthcheck = sub service.healthcheck;
    LifecycleHook = sub service.postStart;
    Deploy = deploy;
    Resources = resources;
    ResourceLimits = sub resources.limits;
    ResourceReservations = sub resources.reservations;
    RestartPolicy = sub deploy.restartPolicy;
  };

  host =
    backend: services:
    evalHost [
      { virtualisation.oci-containers.backend = backend; }
      { khepri.compositions.app.services = services; }
    ];
in
lib.mapAttrs' (
  message: opts:
  lib.nameValuePair "test: ${message} options are the ${message} message's fields" {
    expr = names opts;
    expected = fieldsOf message;
  }
) messages
// {
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
