# The `khepri.compositions` option tree, shared by the NixOS module and `lib.expand`.
{ lib }:
let
  khepriLib = import ../lib.nix { inherit lib; };
  hostResources =
    kind: example:
    lib.mkOption {
      type = khepriLib.namesOrAttrsOf (
        lib.types.submodule (import ./resource.nix { inherit lib khepriLib kind example; })
      );
      default = { };
      example = [ example ];
      description = ''
        ${lib.toSentenceCase kind}s created once for the host under their own name (or
        {option}`name`), by the unit `khepri-${kind}-<name>.service`, whether or not a
        container uses them. Compositions use them as external ${kind}s and are ordered
        after their unit, which lets several compositions share one ${kind}. Compositions
        that run rootless (`podman.user`) share one of their own, created in their user's
        podman by `khepri-${kind}-<name>-as-<user>.service`.
      '';
    };
in
{
  compositions = lib.mkOption {
    type = lib.types.attrsOf (
      lib.types.submodule (import ./composition.nix { inherit lib khepriLib; })
    );
    default = { };
    description = ''
      Container compositions in the docker-compose vocabulary, each expanded into
      oci-containers containers, network and volume units and a `khepri-<name>.target`.
    '';
  };

  networks = hostResources "network" "proxy_net";
  volumes = hostResources "volume" "backups";

  # toRequest drops what the option tree has beyond the request schema: the aliases
  # `cmd` and `environmentFiles`, whose values are already in `command` and `envFile`.
  # A config's lone `content` is written to the store and passed as its `file` (both set
  # is the plugin's error to report).
  toRequest = builtins.mapAttrs (
    _: composition:
    composition
    // {
      configs = builtins.mapAttrs (
        name: config:
        if config.content != null && config.file == null then
          config
          // {
            # The key is no part of the store name: any key is a valid config name.
            file = builtins.toFile "khepri-config" config.content;
            content = null;
          }
        else
          config
      ) composition.configs;
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
