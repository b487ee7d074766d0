# Hands an expansion (nixlib/expand.nix) to NixOS. Wiring only: every name and value
# comes from the plugin.
{
  config,
  lib,
  expansion,
  # khepri.cli: install the command and write the manifest it reads.
  cli ? {
    enable = false;
  },
}:
let
  inherit (config.virtualisation.oci-containers) backend;
  engine =
    if backend == "docker" then
      config.virtualisation.docker.package
    else
      config.virtualisation.podman.package;
in
{
  virtualisation.oci-containers.containers = expansion.containers;

  systemd.services = lib.mkMerge [
    # khepri's own units run the engine's command line.
    (lib.mapAttrs (_: unit: unit // { path = [ engine ]; }) expansion.services)
    # oci-containers sets Restart=always as a plain definition; the composition's restart
    # policy must win, while mkForce in the user's configuration still wins over it.
    (lib.mapAttrs (
      _: unit:
      unit
      // { serviceConfig = lib.mapAttrs (_: lib.mkOverride 90) (unit.serviceConfig or { }); }
      # pre_stop hooks exec into the container, so they run before oci-containers' stop.
      // lib.optionalAttrs (unit ? preStop) { preStop = lib.mkBefore unit.preStop; }
    ) expansion.containerUnits)
  ];

  systemd.targets = expansion.targets;

  assertions = [
    {
      assertion = expansion.backend == backend;
      message = "khepri: the compositions were expanded for the ${expansion.backend} backend, but virtualisation.oci-containers.backend is ${backend}.";
    }
  ]
  # khepri's network and volume units run podman as root, so a container that runs as
  # another user would not see them.
  ++ lib.mapAttrsToList (name: c: {
    assertion = backend != "podman" || (config.virtualisation.oci-containers.containers.${name}.podman.user or "root") == "root";
    message = "virtualisation.oci-containers.containers.${name}.podman.user: composition ${
      c.labels."com.docker.compose.project" or "?"
    } runs rootful: khepri creates its networks and volumes with root's podman, which a rootless container does not see; leave podman.user unset for khepri's containers.";
  }) expansion.containers
  ++ expansion.assertions;

  inherit (expansion) warnings;

  environment = lib.mkIf cli.enable {
    systemPackages = [ cli.package ];
    etc."khepri/manifest.json".text = builtins.toJSON (import ./manifest.nix { inherit lib; } expansion);
  };
}
