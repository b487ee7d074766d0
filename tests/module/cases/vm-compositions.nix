# The NixOS VM test's compositions (tests/vm), which only upstream CI boots, evaluate
# here on both backends without a failing assertion or a warning.
{
  lib,
  pkgs,
  evalHost,
  failedAssertions,
  ...
}:
let
  hostFor =
    backend:
    evalHost [
      {
        virtualisation.oci-containers.backend = backend;
        khepri.compositions = import ../../vm/compositions.nix { inherit pkgs; };
      }
    ];
  summary = host: {
    assertions = failedAssertions host;
    inherit (host) warnings;
    containers = builtins.attrNames host.virtualisation.oci-containers.containers;
  };
in
builtins.listToAttrs (
  map
    (
      backend:
      lib.nameValuePair "test: the VM test's compositions evaluate on ${backend}" {
        expr = summary (hostFor backend);
        expected = {
          assertions = [ ];
          warnings = [ ];
          containers = [
            "chain-app"
            "chain-db"
            "chain-init"
            "hello-client"
            "hello-server"
          ];
        };
      }
    )
    [
      "docker"
      "podman"
    ]
)
