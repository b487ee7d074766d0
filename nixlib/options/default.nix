# The options whose values are expanded (nixlib/expand-config.nix): khepri.compositions,
# the host-level networks and volumes, and the image settings. Shared by the NixOS module
# and `lib.expand`.
{ lib }:
let
  helpers = import ./helpers.nix { inherit lib; };
  # hostResources { kind, example }: khepri.networks or khepri.volumes.
  hostResources =
    { kind, example }:
    lib.mkOption {
      type = helpers.namesOrAttrsOf (
        helpers.sparseSubmodule (import ./resource.nix { inherit lib helpers kind example; })
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
      helpers.sparseSubmodule (import ./composition.nix { inherit lib helpers; })
    );
    default = { };
    description = ''
      Container compositions in the docker-compose vocabulary, each expanded into
      oci-containers containers, a unit creating its networks and volumes, and a
      `khepri-<name>.target`.
    '';
  };

  networks = hostResources {
    kind = "network";
    example = "proxy_net";
  };
  volumes = hostResources {
    kind = "volume";
    example = "backups";
  };

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
    type = helpers.imageFetchType;
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
}
