# virtualisation.oci-containers as nixpkgs declares and implements it
# (nixos/modules/virtualisation/oci-containers.nix at revision
# 035a24e7ed33009b8a503ad0b76679665b8977a8), written for the module tier: the container
# options with their types and defaults, and each container's unit with the same script,
# pre-start, preStop, postStop, serviceConfig, unitConfig, environment, path, wants, after
# and requires, character for character; the module's assertions and warnings with their
# exact messages. The pre-start is a writeShellApplication, modelled by its text
# (scripts.nix). Left out: the docker-containers rename and the option descriptions.
{
  config,
  lib,
  ...
}:
let
  inherit (lib) mkOption types;
  inherit (import ./scripts.nix { inherit lib; }) writeShellApplication;
  cfg = config.virtualisation.oci-containers;

  option =
    type: default:
    mkOption {
      inherit type default;
    };
  nullOr = type: option (types.nullOr type) null;
  listOfStr = option (types.listOf types.str) [ ];

  container =
    { name, ... }:
    {
      config.podman = lib.mkIf (cfg.backend == "podman") { };
      options = {
        image = mkOption { type = types.str; };
        imageFile = nullOr types.package;
        imageStream = nullOr types.package;
        serviceName = option types.str "${cfg.backend}-${name}";
        login = {
          username = nullOr types.str;
          passwordFile = nullOr types.str;
          registry = nullOr types.str;
        };
        cmd = listOfStr;
        labels = option (types.attrsOf types.str) { };
        entrypoint = nullOr types.str;
        environment = option (types.attrsOf types.str) { };
        environmentFiles = option (types.listOf types.path) [ ];
        log-driver = option types.str "journald";
        ports = listOfStr;
        user = nullOr types.str;
        volumes = listOfStr;
        workdir = nullOr types.str;
        dependsOn = listOfStr;
        hostname = nullOr types.str;
        preRunExtraOptions = listOfStr;
        extraOptions = listOfStr;
        autoStart = option types.bool true;
        podman = nullOr (
          types.submodule {
            options = {
              sdnotify = mkOption {
                type = types.enum [
                  "conmon"
                  "healthy"
                  "container"
                ];
                default = "conmon";
              };
              user = option types.str "root";
            };
          }
        );
        pull = mkOption {
          type = types.enum [
            "always"
            "missing"
            "never"
            "newer"
          ];
          default = "missing";
        };
        capabilities = option (types.lazyAttrsOf (types.nullOr types.bool)) { };
        devices = listOfStr;
        privileged = option types.bool false;
        autoRemoveOnStop = option types.bool true;
        networks = listOfStr;
      };
    };

  loginIsValid =
    login: login.username != null && login.passwordFile != null && login.registry != null;

  # The unit of container `name` (c).
  unitOf =
    name: c:
    let
      b = cfg.backend;
      q = lib.escapeShellArg;
      escapedName = q name;
      cidfile = "/run/${escapedName}/ctr-id";
      dependsOn = lib.mapAttrsToList (_: d: "${d.serviceName}.service") (
        lib.getAttrs c.dependsOn cfg.containers
      );
      user = c.podman.user or "root";
      inherit (config.users.users.${user}) uid;
      afterLinger = b == "podman" && user != "root" && config.users.users.${user}.linger;
      userManager = lib.optional (
        user != "root" && c.podman.sdnotify == "healthy"
      ) "user@${toString uid}.service";
      pulls = c.imageFile == null && c.imageStream == null;
      # The pre-start's lines; one left out leaves an empty line, as in nixpkgs.
      line = cond: text: lib.optionalString cond "${text}\n";
      preStart = writeShellApplication {
        name = "pre-start";
        text = lib.concatMapStrings (part: "${part}\n") [
          "${b} rm -f ${name} || true"
          (line (loginIsValid c.login) ''
            # try logging in, if it fails, check if image exists locally
            ${b} login \
            ${c.login.registry} \
            --username ${q c.login.username} \
            --password-stdin < ${c.login.passwordFile} \
            || ${b} image inspect ${c.image} >/dev/null \
            || { echo "image doesn't exist locally and login failed" >&2 ; exit 1; }'')
          (line (c.imageFile != null) "${b} load -i ${c.imageFile}")
          (line (c.imageStream != null) "${c.imageStream} | ${b} load")
          (line (b == "podman") "rm -f ${cidfile}")
        ];
      };
      on =
        value: lib.mapAttrsToList (k: _: q k) (lib.filterAttrs (_: v: v == value) c.capabilities);
    in
    {
      wantedBy = lib.optional c.autoStart "multi-user.target";
      wants =
        lib.optional pulls "network-online.target"
        ++ lib.optional afterLinger "linger-users.service";
      after =
        lib.optionals (b == "docker") [
          "docker.service"
          "docker.socket"
        ]
        ++ lib.optional pulls "network-online.target"
        ++ dependsOn
        ++ lib.optional afterLinger "linger-users.service"
        ++ userManager;
      requires = dependsOn ++ userManager;
      environment = lib.mkMerge [
        config.networking.proxy.envVars
        (lib.mkIf (b == "podman" && c.podman.user != "root") {
          HOME = config.users.users.${c.podman.user}.home;
        })
      ];
      path = [ config.virtualisation.${b}.package ];
      # Only the image and the log driver are not escaped.
      script = lib.concatStringsSep " \\\n  " (
        [ "exec ${b} " ]
        ++ map q c.preRunExtraOptions
        ++ [
          "run"
          "--name=${escapedName}"
          "--log-driver=${c.log-driver}"
        ]
        ++ lib.optional (c.entrypoint != null) "--entrypoint=${q c.entrypoint}"
        ++ lib.optional (c.hostname != null) "--hostname=${q c.hostname}"
        ++ lib.optionals (b == "podman") [
          "--cidfile=${cidfile}"
          "--cgroups=enabled"
          "--sdnotify=${c.podman.sdnotify}"
          "-d"
          "--replace"
        ]
        ++ lib.mapAttrsToList (k: v: "-e ${q k}=${q v}") c.environment
        ++ map (f: "--env-file ${q f}") c.environmentFiles
        ++ map (p: "-p ${q p}") c.ports
        ++ lib.optional (c.user != null) "-u ${q c.user}"
        ++ map (v: "-v ${q v}") c.volumes
        ++ lib.mapAttrsToList (k: v: "-l ${q k}=${q v}") c.labels
        ++ lib.optional (c.workdir != null) "-w ${q c.workdir}"
        ++ lib.optional c.privileged "--privileged"
        ++ lib.optional c.autoRemoveOnStop "--rm"
        ++ map (k: "--cap-add=${k}") (on true)
        ++ map (k: "--cap-drop=${k}") (on false)
        ++ map (d: "--device=${q d}") c.devices
        ++ map (n: "--network=${q n}") (lib.unique c.networks)
        ++ [ "--pull ${q c.pull}" ]
        ++ map q c.extraOptions
        ++ [ c.image ]
        ++ map q c.cmd
      );
      preStop =
        if b == "podman" then
          "podman stop --ignore --cidfile=${cidfile}"
        else
          "${b} stop ${name} || true";
      postStop =
        if b == "podman" then
          "podman rm -f --ignore --cidfile=${cidfile}"
        else
          "${b} rm -f ${name} || true";
      unitConfig = lib.mkIf (user != "root") {
        RequiresMountsFor = "/run/user/${toString uid}/containers";
      };
      serviceConfig = {
        ExecStartPre = [ preStart ];
        TimeoutStartSec = 0;
        TimeoutStopSec = 120;
        Restart = "always";
      }
      // lib.optionalAttrs (b == "podman") {
        Environment = "PODMAN_SYSTEMD_UNIT=%n";
        Type = "notify";
        NotifyAccess = "all";
        Delegate = lib.mkIf (c.podman.sdnotify == "healthy") true;
        User = user;
        RuntimeDirectory = escapedName;
      };
    };

  assertionsOf = name: c: [
    {
      assertion = c.imageFile == null || c.imageStream == null;
      message = "virtualisation.oci-containers.containers.${name}: You can only define one of imageFile and imageStream";
    }
    {
      assertion = cfg.backend == "docker" -> c.podman == null;
      message = "virtualisation.oci-containers.containers.${name}: Cannot set `podman` option if backend is `docker`.";
    }
    {
      assertion =
        cfg.backend == "podman" && c.podman.sdnotify == "healthy" && c.podman.user != "root"
        -> config.users.users.${c.podman.user}.uid != null;
      message = ''
        Rootless container ${name} (with podman and sdnotify=healthy)
        requires that its running user ${c.podman.user} has a statically specified uid.
      '';
    }
  ];

  warningsOf =
    name:
    { podman, ... }:
    let
      inherit (config.users.users.${podman.user}) linger;
      rootless = podman.user != "root";
    in
    lib.optional (rootless && linger && podman.sdnotify == "conmon") ''
      Podman container ${name} is configured as rootless (user ${podman.user})
      with `--sdnotify=conmon`, but lingering for this user is turned on.
    ''
    ++ lib.optional (rootless && !linger && podman.sdnotify == "healthy") ''
      Podman container ${name} is configured as rootless (user ${podman.user})
      with `--sdnotify=healthy`, but lingering for this user is turned off.
    '';
in
{
  options.virtualisation.oci-containers = {
    backend = mkOption {
      type = types.enum [
        "podman"
        "docker"
      ];
      default = "podman";
    };
    containers = option (types.attrsOf (types.submodule container)) { };
  };

  config = lib.mkIf (cfg.containers != { }) (
    lib.mkMerge [
      {
        systemd.services = lib.mapAttrs' (
          name: c: lib.nameValuePair c.serviceName (unitOf name c)
        ) cfg.containers;
        assertions = lib.concatLists (lib.mapAttrsToList assertionsOf cfg.containers);
        warnings = lib.mkIf (cfg.backend == "podman") (
          lib.concatLists (lib.mapAttrsToList warningsOf cfg.containers)
        );
      }
      (lib.mkIf (cfg.backend == "podman") { virtualisation.podman.enable = true; })
      (lib.mkIf (cfg.backend == "docker") { virtualisation.docker.enable = true; })
    ]
  );
}
