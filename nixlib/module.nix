# The NixOS module: `khepri.compositions` in, oci-containers containers, systemd units and
# one target per composition out. It only wires; the expansion is the plugin's.
{
  config,
  lib,
  pkgs,
  ...
}:
let
  inherit (lib) mkIf mkOption types;
  cfg = config.khepri;
  khepriOptions = import ./options { inherit lib; };
  khepriLib = import ./lib.nix { inherit lib; };
  # A rootless composition's uid is its user's, unless set.
  withUids = lib.mapAttrs (
    _: c:
    if c.podman.user or null != null && c.podman.uid or null == null then
      lib.recursiveUpdate c { podman.uid = config.users.users.${c.podman.user}.uid or null; }
    else
      c
  ) cfg.compositions;
  expansion = import ./expand.nix {
    khepri = cfg.package;
    inherit (cfg) plugin;
    system = pkgs.stdenv.buildPlatform.system;
    inherit (config.virtualisation.oci-containers) backend;
    inherit (cfg)
      networks
      volumes
      expansionFile
      imageLock
      requireLockedImages
      imageFetch
      ;
    imagePlatform = khepriLib.dockerPlatform pkgs.stdenv.hostPlatform;
    cacert = pkgs.buildPackages.cacert;
    compositions = khepriOptions.toRequest withUids;
  };
in
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

    images = mkOption {
      type = types.listOf (types.attrsOf types.str);
      readOnly = true;
      default = khepriOptions.imagesOf {
        inherit (cfg) compositions imageFetch;
        platform = khepriLib.dockerPlatform pkgs.stdenv.hostPlatform;
      };
      defaultText = lib.literalMD "the image references of the enabled compositions and services";
      example = [
        { image = "docker.io/library/postgres:15"; }
        {
          image = "ghcr.io/paperless-ngx/paperless-ngx:2.14";
          archive = "linux/amd64";
        }
      ];
      description = ''
        The image references the compositions run, each with the platform whose archive
        Nix fetches when its image fetch is `"nix"`: what `khepri lock --images -` reads
        to write {option}`khepri.imageLock`:
        `nix eval --json .#nixosConfigurations.HOST.config.khepri.images | khepri lock --images - --prune`.
      '';
    };

    package = mkOption {
      type = types.package;
      default = pkgs.buildPackages.callPackage ../package.nix { };
      defaultText = lib.literalExpression "pkgs.buildPackages.callPackage khepri/package.nix { }";
      description = ''
        The khepri package whose `bin/khepri` expands the compositions while the system is
        built. It runs on the build platform, so a host of another architecture is
        evaluated without emulation.
      '';
    };

    plugin = mkOption {
      type = types.str;
      default = "${cfg.package}/bin/khepri-expander";
      defaultText = lib.literalExpression ''"''${config.khepri.package}/bin/khepri-expander"'';
      description = ''
        The expander plugin that khepri runs to expand the compositions. Point it at your
        own build to change how compositions expand; it must speak khepri's plugin protocol.
      '';
    };

    expansionFile = mkOption {
      type = types.nullOr types.path;
      default = null;
      example = lib.literalExpression "./khepri-expansion.json";
      description = ''
        A file written by `khepri freeze` from {option}`khepri.request`. When set, the
        expansion is read from it instead of being built while the configuration is
        evaluated, so evaluation needs no import-from-derivation
        (`allow-import-from-derivation = false`) and builds nothing. When the compositions
        change, evaluation fails with an assertion that says how to rewrite the file.
      '';
    };

    request = mkOption {
      type = types.str;
      readOnly = true;
      default = expansion.request;
      defaultText = lib.literalMD "the JSON of the compositions, as the expander reads it";
      description = ''
        The expansion request: what `khepri freeze --request -` reads to write
        {option}`khepri.expansionFile`.
      '';
    };

    cli = {
      enable = lib.mkEnableOption ''
        the `khepri` command on the host (`khepri ps`, `logs`, `up`, `down`, `restart`,
        `exec`, `config`), with the manifest of the expanded compositions it reads,
        /etc/khepri/manifest.json
      '' // { default = true; };

      package = mkOption {
        type = types.package;
        default = pkgs.callPackage ../package.nix { };
        defaultText = lib.literalExpression "pkgs.callPackage khepri/package.nix { }";
        description = ''
          The khepri package whose `khepri` command is installed. Unlike `khepri.package`,
          which runs while the system is built, it is built for the host.
        '';
      };
    };
  };

  config = mkIf (cfg.compositions != { } || cfg.networks != { } || cfg.volumes != { }) (
    import ./nixos.nix {
      inherit config lib expansion;
      inherit (cfg) cli compositions;
    }
  );
}
