# Hands an expansion (nixlib/expand.nix) to NixOS. Wiring only: every name and value
# comes from the plugin.
{
  config,
  lib,
  expansion,
  # khepri.cli: install the command and write the manifest it reads. Its package, built
  # for the host, also writes the containers' environment files.
  cli,
  # The compositions as declared, for the users that rootless ones run as.
  compositions ? { },
}:
let
  inherit (config.virtualisation.oci-containers) backend;
  engine =
    if backend == "docker" then
      config.virtualisation.docker.package
    else
      config.virtualisation.podman.package;

  # Users that run rootless compositions, with their compositions' names. Read from the
  # declarations rather than the expansion: the expansion reads these users' uids.
  rootlessUsers = lib.foldlAttrs (
    acc: name: c:
    let
      user = c.podman.user or null;
    in
    if backend == "podman" && (c.enable or true) && user != null && user != "root" then
      acc // { ${user} = (acc.${user} or [ ]) ++ [ name ]; }
    else
      acc
  ) { } compositions;

  portStart =
    let
      v = config.boot.kernel.sysctl."net.ipv4.ip_unprivileged_port_start" or null;
    in
    if v == null then 1024 else lib.toInt (toString v);
  # A container's composition (compose's project label) and the user it runs as.
  projectOf = container: container.labels."com.docker.compose.project" or null;
  userOf = name: expansion.containers.${name}.podman.user or "root";
  # The compositions the khepri command knows, with the user and uid a rootless one
  # was expanded for.
  inherit (expansion) manifest;
in
{
  virtualisation.oci-containers.containers = expansion.containers;

  systemd.services = lib.mkMerge [
    # khepri's own units run the engine's command line.
    (lib.mapAttrs (_: unit: unit // { path = [ engine ]; }) expansion.services)
    # Build units run `khepri build-image` and pull units `khepri pull-images`, which run
    # the engine's command line.
    (lib.mapAttrs (
      _: unit:
      unit
      // {
        path = [
          engine
          cli.package
        ];
      }
    ) ((expansion.builds or { }) // (expansion.pulls or { })))
    # oci-containers sets Restart=always as a plain definition; the composition's restart
    # policy must win, while mkForce in the user's configuration still wins over it. The
    # commands (Exec*) keep their priority: raised, they would drop NixOS's own, such as
    # oci-containers' pre-start and the preStart and postStart jobs.
    (lib.mapAttrs (
      _: unit:
      unit
      // {
        serviceConfig = lib.mapAttrs (
          key: value: if lib.hasPrefix "Exec" key then value else lib.mkOverride 90 value
        ) (unit.serviceConfig or { });
      }
      # pre_stop hooks exec into the container, so they run before oci-containers' stop.
      // lib.optionalAttrs (unit ? preStop) { preStop = lib.mkBefore unit.preStop; }
    ) expansion.containerUnits)
    # A container's environment files are written by `khepri env-file` in its unit's
    # preStart; other units stay untouched by an update of khepri.
    (lib.mapAttrs' (name: _: lib.nameValuePair "${backend}-${name}" { path = [ cli.package ]; }) (
      lib.filterAttrs (_: c: c.environmentFiles or [ ] != [ ]) expansion.containers
    ))
  ];

  systemd.targets = expansion.targets;

  # A composition's pull timer starts its pull unit.
  systemd.timers = expansion.timers or { };

  assertions = [
    {
      assertion = expansion.backend == backend;
      message = "khepri: the compositions were expanded for the ${expansion.backend} backend, but virtualisation.oci-containers.backend is ${backend}.";
    }
  ]
  # A container's user is its composition's: khepri's unit creating its networks and
  # volumes runs as that user too, in the same podman.
  ++ lib.mapAttrsToList (
    name: c:
    let
      expanded = userOf name;
    in
    {
      assertion =
        let
          given = config.virtualisation.oci-containers.containers.${name}.podman.user or "root";
        in
        backend != "podman" || given == expanded;
      message = "virtualisation.oci-containers.containers.${name}.podman.user: composition ${projectOf c} runs as ${expanded}; set the user in khepri.compositions.${projectOf c}.podman.user, so that the unit creating its networks and volumes runs as the same user.";
    }
  ) expansion.containers
  ++ lib.concatLists (
    lib.mapAttrsToList (
      user: names:
      let
        u = config.users.users.${user};
        where = "khepri.compositions.${builtins.head names}.podman.user";
      in
      [
        {
          assertion = u.autoSubUidGidRange || (u.subUidRanges != [ ] && u.subGidRanges != [ ]);
          message = "${where}: ${user} has no subordinate uid and gid ranges, to which rootless podman maps the containers' users: make ${user} a normal user (users.users.${user}.isNormalUser = true) or set users.users.${user}.autoSubUidGidRange = true.";
        }
      ]
    ) rootlessUsers
  )
  ++ lib.mapAttrsToList (name: m: {
    assertion = m.uid == config.users.users.${m.user}.uid;
    message = "khepri.compositions.${name}.podman.uid: the composition was expanded for uid ${toString m.uid}, but users.users.${m.user}.uid is ${
      toString config.users.users.${m.user}.uid
    }; its units need the user's own /run/user/<uid>.";
  }) (lib.filterAttrs (_: m: m ? user) manifest.compositions)
  # Whether a rootless user may bind a port is this host's setting; the plugin says
  # which ports the expansion publishes.
  ++ map (p: {
    assertion = p.port >= portStart;
    message = "${p.path}: ${p.spec} publishes a host port below ${toString portStart}, which rootless podman (as ${p.user}) cannot bind: publish a port from ${toString portStart} up, lower boot.kernel.sysctl.\"net.ipv4.ip_unprivileged_port_start\", or run the composition rootful.";
  }) expansion.rootlessPorts
  ++ expansion.assertions;

  warnings =
    expansion.warnings
    ++ lib.concatLists (
      lib.mapAttrsToList (
        user: names:
        lib.optional (config.users.users.${user}.linger == false)
          "khepri.compositions.${builtins.head names}.podman.user: users.users.${user}.linger is false, so ${user}'s manager, and the rootless compositions with it (${lib.concatStringsSep ", " names}), stop when ${user}'s last session ends."
      ) rootlessUsers
    );

  # The user's manager runs from boot and outlives the user's sessions, as the
  # compositions that need it do.
  users.users = lib.mapAttrs (_: _: { linger = lib.mkDefault true; }) rootlessUsers;

  environment = lib.mkIf cli.enable {
    systemPackages = [ cli.package ];
    # A service may be called outPath, which builtins.toJSON would not write as a name.
    etc."khepri/manifest.json".text = import ./json.nix manifest;
  };
}
