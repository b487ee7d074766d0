# A composition's top-level compose keys besides services, networks and volumes:
# secrets and configs (files mounted into services), and the keys khepri diagnoses.
{ lib, helpers }:
let
  inherit (lib) mkOption types;
  inherit (helpers) optional;
  # The reasons of the refused keys, which the plugin and the importer give too.
  rejected = (lib.importJSON ../../proto/khepri/rejected/rejected.json).composition;
  # Swarm's stores of secret and config objects, which a single engine does not have.
  swarmOnly = section: {
    external = mkOption {
      type = types.bool;
      default = false;
      description = ''
        A swarm ${section} object created outside compose: an error, khepri mounts files.
      '';
    };
    driver = optional {
      type = types.str;
      description = ''
        A swarm ${section} store driver: an error.
      '';
    };
    templateDriver = optional {
      type = types.str;
      description = ''
        A swarm templating driver: an error.
      '';
    };
    name = optional {
      type = types.str;
      description = ''
        The name of the swarm ${section} object: a warning, as khepri mounts the file and
        creates no object.
      '';
    };
    environment = optional {
      type = types.str;
      description = ''
        The environment variable of compose's shell holding the value: an error, khepri has
        no such shell; write the value to a file instead.
      '';
    };
  };
  secret = helpers.sparseSubmodule {
    options = helpers.composeOptions { section = "secrets"; } (
      swarmOnly "secrets"
      // {
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
      swarmOnly "configs"
      // {
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
