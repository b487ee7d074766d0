# khepri without flakes:
#   imports = [ (import /path/to/khepri { inherit pkgs; }).nixosModules.default ];
{
  pkgs ? import <nixpkgs> { },
}:
{
  packages.default = pkgs.callPackage ./package.nix { };
  nixosModules.default = ./nixlib/module.nix;
  lib = import ./nixlib { inherit (pkgs) lib; };
}
