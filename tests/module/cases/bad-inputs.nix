# The bad-input corpus: every file in ../bad-inputs is a NixOS configuration fragment
# and the exact assertion messages (and warnings) it must give.
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
      ];
    in
    lib.nameValuePair "test: bad input ${lib.removeSuffix ".nix" file} gives its messages" {
      expr = {
        assertions = failedAssertions host;
        inherit (host) warnings;
      }
      // lib.optionalAttrs (input ? assertions) {
        inherit (host.virtualisation.oci-containers) containers;
      };
      expected = {
        assertions = input.assertions or [ ];
        warnings = input.warnings or [ ];
      }
      # Nothing half-expanded reaches a host whose compositions have errors.
      // lib.optionalAttrs (input ? assertions) { containers = { }; };
    };
in
lib.listToAttrs (map case files)
