# Whether and when a composition or a service runs: the same three switches at both
# levels, with a meaning for each.
{
  lib,
  helpers,
  level,
}:
let
  inherit (lib) mkOption types;
  inherit (helpers) optional;
  isComposition = level == "composition";
in
{
  options = {
    enable = lib.mkEnableOption "this ${level}; when false, nothing of it is generated" // {
      default = true;
    };
    autoStart = mkOption {
      type = types.bool;
      default = true;
      description =
        if isComposition then
          ''
            Whether the composition starts at boot (`khepri-<name>.target` is wanted by
            `multi-user.target`). When false it is defined but started only by hand:
            `systemctl start khepri-<name>.target`.
          ''
        else
          ''
            Whether the container starts with its composition. When false it is defined,
            stops with the composition, and starts only by hand.
          '';
    };
    profiles = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "debug" ];
      description =
        if isComposition then
          ''
            The active profiles: a service that lists profiles runs only when one of them
            is here, like compose's `--profile`.
          ''
        else
          ''
            The profiles the service belongs to: it runs only when its composition's
            {option}`profiles` selects one of them. A service without profiles always runs.
            ${helpers.composeDoc "services" "profiles"}
          '';
    };
  }
  // lib.optionalAttrs (!isComposition) {
    scale = optional {
      type = types.int;
      example = 3;
      description = ''
        The number of containers. With more than one they are
        `<composition>-<service>-1` to `-<scale>`, each answering to the service name; a
        fixed host port cannot be published by several, and `containerName` names one
        container only. `0` defines the service without running it; at most 100, since every
        container is a unit that NixOS evaluates.
        ${helpers.composeDoc "services" "scale"}
      '';
    };
  };
}
