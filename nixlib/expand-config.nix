# The one way from the values of the khepri options (nixlib/options) to their expansion
# (nixlib/expand.nix), taken by the NixOS module with config.khepri and by lib.expand with
# its checked arguments.
{ lib }:
let
  # The platform an image is built for, `os/arch[/variant]` as docker names it, of a
  # nixpkgs platform (stdenv.hostPlatform): the one a host's containers run on.
  dockerPlatform =
    platform:
    let
      inherit (platform.go) GOOS GOARCH;
      variant = platform.go.GOARM or "";
    in
    "${GOOS}/${GOARCH}" + lib.optionalString (GOARCH == "arm" && variant != "") "/v${variant}";

  # The compositions as the request carries them. The values hold only what is set
  # (options/sparse-submodule.nix): the plugin applies the defaults. A config's lone
  # `content` is written to the store and passed as its `file` (both set is the plugin's
  # error to report).
  toRequest = builtins.mapAttrs (
    _: composition:
    if composition ? configs then
      composition
      // {
        configs = builtins.mapAttrs (
          _: config:
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

  # The image references of the compositions and services that are enabled, for
  # `khepri lock --images -`; those fetched by Nix (image fetch "nix") carry the platform
  # whose archive the lock must record.
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
      enabled = x: x.enable or true;
      uses = lib.concatLists (
        lib.mapAttrsToList (
          _: c:
          lib.concatMap (
            s:
            # A built image is this host's own: there is no registry to lock it from.
            lib.optional (enabled c && enabled s && builtins.isString (s.image or null) && s.build or null == null) {
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
in
{
  # For tests/engine/request.nix, which renders a request without a package set.
  inherit toRequest;

  # expand { cfg, pkgs, backend, package, plugin, uidOf }: the expansion of the option
  # values `cfg` and the image references to lock.
  expand =
    {
      # compositions, networks, volumes, imageLock, requireLockedImages, imageFetch, and
      # expansionFile when set.
      cfg,
      pkgs,
      backend,
      # The khepri package, built for the build platform: its host runs the expansion.
      package,
      plugin ? "${package}/bin/khepri-expander",
      # The uid of a rootless composition's user (or null) when it sets no `podman.uid`:
      # the module's reads users.users, lib.expand sees no users.
      uidOf ? _: null,
    }:
    let
      platform = dockerPlatform pkgs.stdenv.hostPlatform;
      withUids = lib.mapAttrs (
        _: c:
        let
          uid = if c.podman.uid or null == null then uidOf (c.podman.user or null) else null;
        in
        if uid == null then c else lib.recursiveUpdate c { podman.uid = uid; }
      ) cfg.compositions;
    in
    {
      expansion = import ./expand.nix {
        khepri = package;
        inherit plugin backend;
        system = pkgs.stdenv.buildPlatform.system;
        inherit (cfg)
          networks
          volumes
          imageLock
          requireLockedImages
          imageFetch
          ;
        expansionFile = cfg.expansionFile or null;
        imagePlatform = platform;
        cacert = pkgs.buildPackages.cacert;
        compositions = toRequest withUids;
      };
      images = imagesOf {
        inherit (cfg) compositions imageFetch;
        inherit platform;
      };
    };
}
