# A composition's top-level compose keys besides services, networks and volumes:
# secrets and configs (files mounted into services), and the keys khepri diagnoses.
{ lib, helpers }:
let
  inherit (lib) mkOption types;
  inherit (helpers) optional;
  reasons = helpers.rejected;
  rejected = reasons.composition;
  # The refused keys of a secret or a config (reasons.secret, reasons.config): swarm's
  # stores of objects, which a single engine does not have, and compose's shell. labels
  # and driver_opts are no options: khepri import alone meets them.
  refusedFileKeys =
    why:
    lib.mapAttrs' (
      key: reason:
      lib.nameValuePair (helpers.optionName key) (
        if key == "external" then
          mkOption {
            type = types.bool;
            default = false;
            description = ''
              Not supported: ${reason}. Setting it to true is an error.
            '';
          }
        else
          optional {
            type = types.str;
            description = ''
              Not supported: ${reason}. Setting it is an error.
            '';
          }
      )
    ) (removeAttrs why [ "labels" "driver_opts" ]);
  # The name of a swarm object, which khepri does not create.
  swarmName =
    section:
    optional {
      type = types.str;
      description = ''
        The name of the swarm ${section} object: a warning, as khepri mounts the file and
        creates no object.
      '';
    };
  secret = helpers.sparseSubmodule {
    options = helpers.composeOptions { section = "secrets"; } (
      refusedFileKeys reasons.secret
      // {
        name = swarmName "secret";
        file = optional {
          type = types.str;
          example = "/run/secrets/db_password";
          description = ''
            The absolute path of the secret's file on the host, read when a container starts:
            a runtime path such as sops-nix's or agenix's `/run/secrets/<name>`. A string, not
            a Nix path, so that the secret never enters the world-readable Nix store; khepri
            warns about a store path.
          '';
        };
      }
    );
  };
  config = helpers.sparseSubmodule {
    options = helpers.composeOptions { section = "configs"; } (
      refusedFileKeys reasons.config
      // {
        name = swarmName "config";
        file = optional {
          type = types.either types.path types.str;
          example = "./Caddyfile";
          description = ''
            The config's file: a Nix path (copied to the store) or an absolute path on the host.
          '';
        };
        content = optional {
          type = types.str;
          example = ":80 { respond \"hello\" }";
          description = ''
            The config's content, written to the Nix store (world-readable: never a secret).
          '';
        };
      }
    );
  };
  refusedOption =
    key: reason:
    let
      # include lists files; the others map names to definitions.
      isList = key == "include";
    in
    mkOption {
      type = (if isList then types.listOf else types.attrsOf) types.anything;
      default = if isList then [ ] else { };
      description = ''
        Not supported: ${reason}. Setting it is an error.
        ${helpers.composeDoc key key}
      '';
    };
in
{
  options = {
    secrets = mkOption {
      type = types.attrsOf secret;
      default = { };
      example = {
        db_password.file = "/run/secrets/db_password";
      };
      description = ''
        Secrets the services can mount (service {option}`secrets`): files of the host,
        mounted read-only at `/run/secrets/<name>`.
        ${helpers.composeDoc "secrets" "secrets"}
      '';
    };
    configs = mkOption {
      type = types.attrsOf config;
      default = { };
      example = lib.literalExpression ''{ caddyfile.file = ./Caddyfile; }'';
      description = ''
        Configs the services can mount (service {option}`configs`), read-only at `/<name>`.
        ${helpers.composeDoc "configs" "configs"}
      '';
    };
    version = optional {
      type = types.str;
      example = "3.8";
      description = ''
        Compose's obsolete file format version: ignored by compose, and a warning here.
        ${helpers.composeDoc "version-and-name-top-level-elements" "version-top-level-element-obsolete"}
      '';
    };
    name = optional {
      type = types.str;
      example = "paperless";
      description = ''
        Compose's project name. A composition's name is its attribute name in
        `khepri.compositions`; a different `name` is an error (rename the attribute).
        ${helpers.composeDoc "version-and-name-top-level-elements" "name-top-level-element"}
      '';
    };
  }
  # A refused key is an option, so that setting it is an error that says why.
  // lib.mapAttrs refusedOption rejected;
}
