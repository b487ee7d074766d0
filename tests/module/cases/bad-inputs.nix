# The bad-input corpus: every file in ../bad-inputs is a NixOS configuration fragment
# (the backend, khepri.compositions and what else of the host it needs, as `host`) and
# the exact assertion messages (and warnings) it must give. `hostCheck = true` marks
# messages of the host's checks of a sound expansion (nixlib/nixos.nix), which keeps its
# containers: the failing assertions stop the system's build.
{
  lib,
  evalHost,
  failedAssertions,
  ...
}:
let
  dir = ../bad-inputs;
  files = builtins.attrNames (lib.filterAttrs (n: _: lib.hasSuffix ".nix" n) (builtins.readDir dir));
  case =
    file:
    let
      input = import (dir + "/${file}");
      host = evalHost [
        { virtualisation.oci-containers.backend = input.backend or "docker"; }
        { khepri.compositions = input.compositions; }
        (input.host or { })
      ];
      expandsNothing = input ? assertions && !(input.hostCheck or false);
    in
    lib.nameValuePair "test: bad input ${lib.removeSuffix ".nix" file} gives its messages" {
      expr = {
        assertions = failedAssertions host;
        inherit (host) warnings;
      }
      // lib.optionalAttrs expandsNothing {
        inherit (host.virtualisation.oci-containers) containers;
      };
      expected = {
        assertions = input.assertions or [ ];
        warnings = input.warnings or [ ];
      }
      # Nothing half-expanded reaches a host whose compositions have errors.
      // lib.optionalAttrs expandsNothing { containers = { }; };
    };
in
lib.listToAttrs (map case files)
