# lib.expand: the module's expansion, available to flakes and shared between hosts.
{
  lib,
  pkgs,
  khepri,
  evalHost,
  ...
}:
let
  khepriLib = import ../../../nixlib { inherit lib; };
  inherit ((import ../../../examples/paperless.nix { }).khepri) compositions;
  stacks = khepriLib.expand {
    inherit pkgs compositions;
    backend = "podman";
    package = khepri;
  };
  viaModule = evalHost [
    ../../../examples/paperless.nix
    { virtualisation.oci-containers.backend = "podman"; }
  ];
  viaLib = evalHost [
    stacks.nixosModule
    { virtualisation.oci-containers.backend = "podman"; }
  ];
  # The flake's outputs, with nixpkgs reduced to its library (packages are never read).
  flake =
    let
      outputs = (import ../../../flake.nix).outputs {
        self = outputs;
        nixpkgs = { inherit lib; };
      };
    in
    outputs;
  paperlessContainers = [
    "paperless-broker"
    "paperless-db"
    "paperless-gotenberg"
    "paperless-tika"
    "paperless_web"
  ];
  onDocker = evalHost [
    stacks.nixosModule
    { virtualisation.oci-containers.backend = "docker"; }
  ];
in
{
  "test: lib.expand's nixosModule gives a host the module's containers" = {
    expr = {
      inherit (viaLib.virtualisation.oci-containers) containers;
      names = builtins.attrNames viaLib.virtualisation.oci-containers.containers;
    };
    expected = {
      inherit (viaModule.virtualisation.oci-containers) containers;
      # Equal containers would prove nothing if both hosts had none.
      names = paperlessContainers;
    };
  };
  "test: lib.expand's nixosModule gives a host the module's units" = {
    expr = {
      services = viaLib.systemd.services;
      containerUnits = builtins.filter (lib.hasPrefix "podman-") (builtins.attrNames viaLib.systemd.services);
    };
    expected = {
      services = viaModule.systemd.services;
      containerUnits = map (c: "podman-${c}") paperlessContainers;
    };
  };
  "test: the flake's lib.expand and nixosModules.default are the library's" = {
    expr = {
      containers =
        (flake.lib.expand {
          inherit pkgs compositions;
          backend = "podman";
          package = khepri;
        }).containers;
      module = flake.nixosModules.default;
    };
    expected = {
      inherit (stacks) containers;
      module = ../../../nixlib/module.nix;
    };
  };
  "test: lib.expand's nixosModule refuses a host of another backend" = {
    expr = map (a: a.message) (builtins.filter (a: !a.assertion) onDocker.assertions);
    expected = [
      "khepri: the compositions were expanded for the podman backend, but virtualisation.oci-containers.backend is docker."
    ];
  };
}
