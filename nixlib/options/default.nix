# The `khepri.compositions` option tree, shared by the NixOS module and `lib.expand`.
{ lib }:
let
  khepriLib = import ../lib.nix { inherit lib; };
in
{
  compositions = lib.mkOption {
    type = lib.types.attrsOf (lib.types.submodule (import ./composition.nix { inherit lib khepriLib; }));
    default = { };
    description = ''
      Container compositions in the docker-compose vocabulary, each expanded into
      oci-containers containers, network and volume units and a `khepri-<name>.target`.
    '';
  };

  # toRequest drops what the option tree has beyond the request schema: the aliases
  # `cmd` and `environmentFiles`, whose values are already in `command` and `envFile`.
  toRequest = builtins.mapAttrs (
    _: composition:
    composition
    // {
      services = builtins.mapAttrs (
        _: service:
        builtins.removeAttrs service [
          "cmd"
          "environmentFiles"
        ]
      ) composition.services;
    }
  );
}
