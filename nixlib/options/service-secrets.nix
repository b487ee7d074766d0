# A service's secrets and configs: files of the host mounted read-only into the container.
{ lib, khepriLib }:
let
  inherit (lib) mkOption types;
  doc = khepriLib.composeDoc "services";
  inherit (khepriLib) numberOrStr optional;
  # A name is the short syntax of `{ source = name; }`.
  fileUse =
    kind: defaultTarget:
    khepriLib.khepriCoercedTo types.str (source: { inherit source; }) (
      khepriLib.sparseSubmodule {
        options = {
          source = mkOption {
            type = types.str;
            example = "db_password";
            description = "The name of one of the composition's {option}`${kind}s`.";
          };
          target =
            optional types.str
              "Where the file appears in the container; by default ${defaultTarget}."
              (if kind == "secret" then "db.pw" else "/etc/app.conf");
          uid = optional numberOrStr ''
            The numeric owner of the file in the container. Setting {option}`uid`,
            {option}`gid` or {option}`mode` makes khepri mount a copy that has them, made
            before every start under `/run/khepri/<container>/` (a bind mount shows the
            host file's owner and mode as they are). Defaults: owner and group 0, mode 0444.
          '' "1000";
          gid = optional numberOrStr "The numeric group of the file in the container; see {option}`uid`." "1000";
          mode = optional numberOrStr ''
            The file's mode in octal digits, a string or an integer written as those digits
            (`440`); see {option}`uid`.
          '' "0440";
        };
      }
    );
in
{
  options = {
    secrets = mkOption {
      type = types.listOf (fileUse "secret" "`/run/secrets/<source>`; a relative target is under `/run/secrets`");
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
        ${doc "secrets"}
      '';
    };
    configs = mkOption {
      type = types.listOf (fileUse "config" "`/<source>`");
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
        ${doc "configs"}
      '';
    };
  };
}
