# What NixOS gets from the examples: each one evaluated with the khepri module (and the
# NixOS modules of tests/module/nixos-fixture.nix), showing the containers, the systemd
# units and targets khepri writes, and any assertion or warning.
{
  # A directory with bin/khepri and bin/khepri-expander.
  khepri,
  # The names of the examples to show, as a JSON list.
  examples,
  lib ? import <nixpkgs/lib>,
  backend ? "docker",
}:
let
  inherit (import ../tests/host.nix { inherit khepri lib; }) evalHost;
  show =
    name:
    let
      config = evalHost [
        (../examples + "/${name}.nix")
        { virtualisation.oci-containers.backend = backend; }
      ];
      inherit (config.virtualisation.oci-containers) containers;
      containerUnits = lib.mapAttrs' (_: c: lib.nameValuePair c.serviceName null) containers;
      units = lib.filterAttrs (
        n: _: containerUnits ? ${n} || lib.hasPrefix "khepri-" n
      ) config.systemd.services;
      clean = lib.filterAttrsRecursive (_: v: v != null && v != [ ] && v != { } && v != "");
    in
    {
      containers = clean containers;
      "systemd.services" = clean units;
      "systemd.targets" = clean config.systemd.targets;
      assertions = map (a: a.message) (builtins.filter (a: !a.assertion) config.assertions);
      inherit (config) warnings;
    };
in
lib.genAttrs (builtins.fromJSON examples) show
