# The khepri Nix library: `expand` turns compositions into the NixOS attribute sets once,
# so that one expansion (one store path) serves every host that imports it.
{ lib }:
let
  khepriOptions = import ./options { inherit lib; };
  khepriLib = import ./lib.nix { inherit lib; };
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
      checked = lib.evalModules {
        modules = [
          {
            options.khepri = {
              inherit (khepriOptions)
                compositions
                networks
                volumes
                imageLock
                requireLockedImages
                imageFetch
                ;
            };
          }
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
      };
      expansion = import ./expand.nix {
        khepri = package;
        inherit plugin backend expansionFile;
        inherit (checked.config.khepri)
          networks
          volumes
          imageLock
          requireLockedImages
          imageFetch
          ;
        inherit imagePlatform;
        cacert = pkgs.buildPackages.cacert;
        system = pkgs.stdenv.buildPlatform.system;
        compositions = khepriOptions.toRequest checked.config.khepri.compositions;
      };
      imagePlatform = khepriLib.dockerPlatform pkgs.stdenv.hostPlatform;
    in
    expansion
    // {
      # The image references to lock, as the module's khepri.images lists them.
      images = khepriOptions.imagesOf {
        inherit (checked.config.khepri) compositions imageFetch;
        platform = imagePlatform;
      };
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
            inherit (checked.config.khepri) compositions;
            # Each host's own build of khepri, which its container units run.
            cli = {
              enable = false;
              package = pkgs.callPackage ../package.nix { };
            };
          };
        };
    };
}
