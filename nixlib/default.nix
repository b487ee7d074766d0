# The khepri Nix library: `expand` turns compositions into the NixOS attribute sets once,
# so that one expansion (one store path) serves every host that imports it.
{ lib }:
let
  khepriOptions = import ./options { inherit lib; };
  expandConfig = (import ./expand-config.nix { inherit lib; }).expand;
in
{
  expand =
    {
      pkgs,
      compositions,
      backend,
      networks ? { },
      volumes ? { },
      package ? pkgs.buildPackages.callPackage ../package.nix { },
      plugin ? "${package}/bin/khepri-expander",
      # A file written by `khepri freeze` from this expansion's `request`: read instead of
      # building the expansion (no import-from-derivation).
      expansionFile ? null,
      # The image settings of the NixOS module's khepri.imageLock,
      # khepri.requireLockedImages and khepri.imageFetch.
      imageLock ? null,
      requireLockedImages ? false,
      imageFetch ? "registry",
    }:
    let
      # The same option types as the NixOS module, so both read compositions alike.
      checked =
        (lib.evalModules {
          modules = [
            { options.khepri = khepriOptions; }
            {
              khepri = {
                inherit
                  compositions
                  networks
                  volumes
                  imageLock
                  requireLockedImages
                  imageFetch
                  ;
              };
            }
          ];
        }).config.khepri;
      expanded = expandConfig {
        cfg = checked // {
          inherit expansionFile;
        };
        inherit
          pkgs
          backend
          package
          plugin
          ;
      };
      inherit (expanded) expansion;
    in
    expansion
    // {
      # The image references to lock, as the module's khepri.images lists them.
      inherit (expanded) images;
      # nixosModule applies this expansion to a NixOS configuration.
      nixosModule =
        {
          config,
          lib,
          pkgs,
          ...
        }:
        {
          config = import ./nixos.nix {
            inherit config lib expansion;
            inherit (checked) compositions;
            # Each host's own build of khepri, which its container units run.
            cli = {
              enable = false;
              package = pkgs.callPackage ../package.nix { };
            };
          };
        };
    };
}
