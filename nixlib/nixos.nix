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
  ++ expansion.assertions;

  inherit (expansion) warnings;

  environment = lib.mkIf cli.enable {
    systemPackages = [ cli.package ];
    etc."khepri/manifest.json".text = builtins.toJSON (import ./manifest.nix { inherit lib; } expansion);
  };
}
