# The `khepri.compositions` option tree, shared by the NixOS module and `lib.expand`.
{ lib }:
let
  khepriLib = import ../lib.nix { inherit lib; };
  hostResources =
    kind: example:
    lib.mkOption {
      type = khepriLib.namesOrAttrsOf (
        khepriLib.sparseSubmodule (import ./resource.nix { inherit lib khepriLib kind example; })
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
      khepriLib.sparseSubmodule (import ./composition.nix { inherit lib khepriLib; })
    );
    default = { };
    description = ''
      Container compositions in the docker-compose vocabulary, each expanded into
      oci-containers containers, network and volume units and a `khepri-<name>.target`.
    '';
  };

  networks = hostResources "network" "proxy_net";
  volumes = hostResources "volume" "backups";

  imageLock = lib.mkOption {
    type = lib.types.nullOr lib.types.path;
    default = null;
    example = lib.literalExpression "./khepri.lock.json";
    description = ''
      The image lock: the JSON file `khepri lock` writes, mapping image references as
      written in `image` to the digests they resolved to. Every reference it names runs by
      its digest (`postgres:15` as `postgres:15@sha256:…`; a multi-platform image by its
      index's digest, so that the engine picks the platform), on every host built from
      it, whatever the registry's tag says today. A reference written with a digest runs
      as written, and an image derivation comes from the store. Unset, images run as
      written.
    '';
  };

  requireLockedImages = lib.mkOption {
    type = lib.types.bool;
    default = false;
    description = ''
      Whether an image reference that {option}`khepri.imageLock` lacks, and that has no
      digest of its own, is an error: every container then runs a pinned image.
    '';
  };

  imageFetch = lib.mkOption {
    type = khepriLib.imageFetchType;
    default = "registry";
    description = ''
      How locked images reach the host, unless a composition or service sets its own
      {option}`imageFetch`: `"registry"` pulls them by digest when their containers start;
      `"nix"` fetches each by digest into the Nix store while the system is built (a
      fixed-output derivation whose builder is `khepri fetch-image`, checked against the
      archive hash `khepri lock --archive` records), and the container loads it from the
      store and never pulls, so that it starts without the registry.
    '';
  };

  # imagesOf lists the image references of the compositions and services that are
  # enabled, for `khepri lock --images -`; those fetched by Nix (image fetch "nix")
  # carry the platform whose archive the lock must record.
  imagesOf =
    {
      compositions,
      imageFetch,
      platform,
    }:
    let
      fetchOf =
        c: s:
        if s.imageFetch or null != null then
          s.imageFetch
        else if c.imageFetch or null != null then
          c.imageFetch
        else
          imageFetch;
      uses = lib.concatLists (
        lib.mapAttrsToList (
          _: c:
          lib.concatMap (
            s:
            # A built image is this host's own: there is no registry to lock it from.
            lib.optional (
              c.enable or true && s.enable or true && builtins.isString (s.image or null) && s.build or null == null
            ) {
              inherit (s) image;
              nix = fetchOf c s == "nix";
            }
          ) (builtins.attrValues (c.services or { }))
        ) compositions
      );
      nixFetched = builtins.foldl' (
        acc: use: acc // { ${use.image} = acc.${use.image} or false || use.nix; }
      ) { } uses;
    in
    lib.mapAttrsToList (
      image: nix: { inherit image; } // lib.optionalAttrs nix { archive = platform; }
    ) nixFetched;

  # toRequest writes a config's lone `content` to the store and passes it as its `file`
  # (both set is the plugin's error to report). The values hold only what is set
  # (sparse-submodule.nix): the plugin applies the defaults.
  toRequest = builtins.mapAttrs (
    _: composition:
    if composition ? configs then
      composition
      // {
        configs = builtins.mapAttrs (
          name: config:
          if config.content or null != null && config.file or null == null then
            config
            // {
              # The key is no part of the store name: any key is a valid config name.
              file = builtins.toFile "khepri-config" config.content;
              content = null;
            }
          else
            config
        ) composition.configs;
      }
    else
      composition
  );
}
