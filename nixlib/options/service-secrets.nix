# A service's secrets and configs: files of the host mounted read-only into the container.
{ lib, helpers }:
let
  inherit (lib) mkOption types;
  inherit (helpers) numberOrStr optional;
  # A name is the short syntax of `{ source = name; }`.
  fileUse =
    { kind, defaultTarget }:
    helpers.coercedTo types.str (source: { inherit source; }) (
      helpers.sparseSubmodule {
        options = {
          source = mkOption {
            type = types.str;
            example = "db_password";
            description = "The name of one of the composition's {option}`${kind}s`.";
          };
          target = optional {
            type = types.str;
            example = (if kind == "secret" then "db.pw" else "/etc/app.conf");
            description = "Where the file appears in the container; by default ${defaultTarget}.";
          };
          uid = optional {
            type = numberOrStr;
            example = "1000";
            description = ''
              The numeric owner of the file in the container. Setting {option}`uid`,
              {option}`gid` or {option}`mode` makes khepri mount a copy that has them, made
              before every start under `/run/khepri/<container>/` (a bind mount shows the
              host file's owner and mode as they are). Defaults: owner and group 0, mode 0444.
            '';
          };
          gid = optional {
            type = numberOrStr;
            example = "1000";
            description = "The numeric group of the file in the container; see {option}`uid`.";
          };
          mode = optional {
            type = numberOrStr;
            example = "0440";
            description = ''
              The file's mode in octal digits, a string or an integer written as those digits
              (`440`); see {option}`uid`.
            '';
          };
        };
      }
    );
in
{
  options = helpers.composeOptions { section = "services"; } {
    secrets = mkOption {
      type = types.listOf (fileUse {
        kind = "secret";
        defaultTarget = "`/run/secrets/<source>`; a relative target is under `/run/secrets`";
      });
      default = [ ];
      example = [
        "db_password"
        {
          source = "api_key";
          target = "api.key";
          uid = 1000;
          mode = "0400";
        }
      ];
      description = ''
        Secrets of the composition the service reads, mounted read-only from their files.
        The files are read when the container starts, never while the system is built.
      '';
    };
    configs = mkOption {
      type = types.listOf (fileUse {
        kind = "config";
        defaultTarget = "`/<source>`";
      });
      default = [ ];
      example = [
        "caddyfile"
        {
          source = "app_config";
          target = "/etc/app/config.yaml";
        }
      ];
      description = ''
        Configs of the composition the service reads, mounted read-only.
      '';
    };
  };
}
