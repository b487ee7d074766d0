# The module tier: the NixOS module evaluated with the nixpkgs library against
# nixos-fixture.nix. Every file in cases/ adds its tests.
{
  # A directory with bin/khepri and bin/khepri-expander (scripts/test builds it).
  khepri,
  lib ? import <nixpkgs/lib>,
}:
let
  inherit (import ../host.nix { inherit khepri lib; }) pkgs package evalHost;

  # failedAssertions lists the messages of a configuration's failing assertions.
  failedAssertions =
    config: map (a: a.message) (builtins.filter (a: !a.assertion) config.assertions);

  args = {
    khepri = package;
    inherit
      lib
      pkgs
      evalHost
      failedAssertions
      ;
  };
  # A test name given by two files would hide one of the tests.
  cases = lib.foldl' (
    all: file:
    let
      more = import (./cases + "/${file}") args;
      again = builtins.attrNames (builtins.intersectAttrs all more);
    in
    if again == [ ] then all // more else throw "cases/${file} repeats ${builtins.head again}"
  ) { } (
    builtins.attrNames (lib.filterAttrs (n: _: lib.hasSuffix ".nix" n) (builtins.readDir ./cases))
  );
in
import ../report.nix { inherit cases; }
