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
  expanded = (import ./expand-config.nix { inherit lib; }).expand {
    inherit cfg pkgs;
    inherit (config.virtualisation.oci-containers) backend;
    inherit (cfg) package plugin;
    uidOf = user: if user == null then null else config.users.users.${user}.uid or null;
  };
  inherit (expanded) expansion;
in
{
  options.khepri = khepriOptions // {
    images = mkOption {
      type = types.listOf (types.attrsOf types.str);
      readOnly = true;
      default = expanded.images;
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
