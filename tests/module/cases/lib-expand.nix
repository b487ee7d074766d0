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
  onDocker = evalHost [
    stacks.nixosModule
    { virtualisation.oci-containers.backend = "docker"; }
  ];
in
{
  "test: lib.expand gives the module's containers" = {
    expr = stacks.containers;
    expected = viaModule.virtualisation.oci-containers.containers;
  };
  "test: lib.expand's nixosModule gives a host the module's units" = {
    expr = viaLib.systemd.services;
    expected = viaModule.systemd.services;
  };
  "test: lib.expand's nixosModule refuses a host of another backend" = {
    expr = map (a: a.message) (builtins.filter (a: !a.assertion) onDocker.assertions);
    expected = [
      "khepri: the compositions were expanded for the podman backend, but virtualisation.oci-containers.backend is docker."
    ];
  };
}
