# The NixOS VM test's compositions (tests/vm), which only upstream CI boots, evaluate
# here on both backends (the rootless one on podman) without a failing assertion, and
# without a warning but oci-containers' about rootless containers of a lingering user.
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
{
  "test: the rootless VM test's compositions evaluate, run by alice" = {
    expr = summary (evalHost [
      {
        virtualisation.oci-containers.backend = "podman";
        users.users.alice = {
          isNormalUser = true;
          uid = 1500;
        };
        khepri.compositions = import ../../vm/rootless-compositions.nix { inherit pkgs; };
      }
    ]);
    expected = {
      assertions = [ ];
      warnings = [
        "Podman container app-client is configured as rootless (user alice)\nwith `--sdnotify=conmon`, but lingering for this user is turned on.\n"
        "Podman container edge-server is configured as rootless (user alice)\nwith `--sdnotify=conmon`, but lingering for this user is turned on.\n"
      ];
      containers = [
        "app-client"
        "edge-server"
      ];
    };
  };
}
// builtins.listToAttrs (
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
