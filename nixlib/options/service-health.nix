# A service's healthcheck and its lifecycle hooks: commands the engine or systemd runs
# inside the container.
{ lib, helpers }:
let
  inherit (lib) mkOption types;
  inherit (helpers) composeScalar optional;
  # duration { example, description }: an optional compose duration.
  duration =
    { example, description }:
    optional {
      type = types.str;
      inherit example;
      description = "${description}, a compose duration such as `30s` or `1m30s`.";
    };

  hook = helpers.sparseSubmodule {
    options = {
      command = mkOption {
        type = types.either types.str (types.listOf types.str);
        example = [
          "/app/migrate"
          "--wait"
        ];
        description = "The command: a list of arguments, or a string split into words.";
      };
      user = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = "The user to run it as; by default the container's.";
      };
      privileged = mkOption {
        type = types.bool;
        default = false;
        description = "Whether it runs with every capability.";
      };
      workingDir = mkOption {
        type = types.nullOr types.str;
        default = null;
        description = "The directory to run it in.";
      };
      environment = mkOption {
        type = types.attrsOf composeScalar;
        default = { };
        description = "Further environment variables of the command.";
      };
    };
  };
in
{
  options = helpers.composeOptions { section = "services"; } {
    healthcheck = mkOption {
      type = types.nullOr (
        helpers.sparseSubmodule {
          options = {
            test = mkOption {
              type = types.nullOr (types.either types.str (types.listOf types.str));
              default = null;
              example = [
                "CMD"
                "curl"
                "-f"
                "http://localhost"
              ];
              description = ''
                The check: a string run by the container's shell, or a list,
                `[ "CMD" args... ]`, `[ "CMD-SHELL" command ]` or `[ "NONE" ]`. Unset keeps
                the image's check. With docker, `--health-cmd` always runs through
                `/bin/sh -c`, so khepri quotes the `CMD` form's arguments into one shell
                command: the image needs a shell. Podman runs the `CMD` form directly.
              '';
            };
            interval = duration {
              example = "1m";
              description = "The time between checks (default 30s)";
            };
            timeout = duration {
              example = "10s";
              description = "How long one check may take (default 30s)";
            };
            retries = optional {
              type = types.int;
              example = 5;
              description = "Consecutive failures that make the container unhealthy (default 3).";
            };
            startPeriod = duration {
              example = "40s";
              description = "The start-up time during which failures do not count (default 0s)";
            };
            startInterval = duration {
              example = "5s";
              description = ''
                The time between checks during the start period (default 5s). It needs docker
                25 or newer; podman has no such setting, so khepri warns and checks at the
                interval there'';
            };
            disable = mkOption {
              type = types.bool;
              default = false;
              description = "Whether the image's healthcheck is turned off (`--no-healthcheck`).";
            };
          };
        }
      );
      default = null;
      example = {
        test = [
          "CMD-SHELL"
          "pg_isready -U postgres"
        ];
        interval = "10s";
        retries = 5;
      };
      description = ''
        How the engine checks that the container is healthy (`--health-cmd`,
        `--health-interval`, `--health-timeout`, `--health-retries`,
        `--health-start-period`, `--health-start-interval`, `--no-healthcheck`).
      '';
    };
    postStart = mkOption {
      type = types.listOf hook;
      default = [ ];
      example = [
        {
          command = "/app/warm-cache";
          user = "root";
        }
      ];
      description = ''
        Commands run inside the container once it runs, in order, by the container's
        unit (`ExecStartPost=` running `<backend> exec`). A failing command fails the unit.
      '';
    };
    preStop = mkOption {
      type = types.listOf hook;
      default = [ ];
      example = [ { command = "/app/drain"; } ];
      description = ''
        Commands run inside the container, in order, before the unit stops it
        (`<backend> exec` ahead of the stop). Unlike compose, a failing command does not
        keep the container from stopping.
      '';
    };
  };
}
