# A NixOS-like host without NixOS: the khepri module evaluated with the NixOS modules of
# module/nixos-fixture.nix, with stub packages. The module tier, scripts/bench and
# scripts/expand-examples evaluate their hosts through it.
{
  # A directory with bin/khepri and bin/khepri-expander, or such a directory already in
  # the store (scripts/bench adds it once, so that no evaluation hashes the binaries).
  khepri,
  lib,
}:
let
  pkgs = import ./stub-pkgs.nix { };
  package =
    if lib.hasPrefix "${builtins.storeDir}/" khepri then
      builtins.storePath khepri
    else
      builtins.path {
        path = khepri;
        name = "khepri";
      };
in
{
  inherit pkgs package;

  # evalHost evaluates a configuration of the given modules with the khepri module: one
  # configuration that imports them, after NixOS's modules, as a NixOS host's does.
  evalHost =
    modules:
    (lib.evalModules {
      modules = import ./module/nixos-fixture.nix ++ [
        {
          imports = [ ../nixlib/module.nix ] ++ modules;
          _module.args.pkgs = pkgs;
          khepri.package = package;
        }
      ];
    }).config;
}
