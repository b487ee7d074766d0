# A NixOS-like host without NixOS: the khepri module evaluated against the option
# declarations of module/nixos-fixture.nix, with stub packages. The module tier,
# scripts/bench and scripts/expand-examples evaluate their hosts through it.
{
  # A directory with bin/khepri and bin/khepri-expander.
  khepri,
  lib,
}:
let
  pkgs = import ./stub-pkgs.nix { };
  package = builtins.path {
    path = khepri;
    name = "khepri";
  };
in
{
  inherit pkgs package;

  # evalHost evaluates a configuration of the given modules with the khepri module.
  evalHost =
    modules:
    (lib.evalModules {
      modules = [
        ./module/nixos-fixture.nix
        ../nixlib/module.nix
        {
          _module.args.pkgs = pkgs;
          khepri.package = package;
        }
      ]
      ++ modules;
    }).config;
}
