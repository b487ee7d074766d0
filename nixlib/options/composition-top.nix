# A composition's top-level compose keys besides services, networks and volumes:
# secrets and configs (files mounted into services), and the keys khepri diagnoses.
{ lib, khepriLib }:
let
  inherit (lib) mkOption types;
  inherit (khepriLib) optional;
  # Swarm's stores of secret and config objects, which a single engine does not have.
  swarmOnly = section: {
    external = mkOption {
      type = types.bool;
      default = false;
      description = ''
        A swarm ${section} object created outside compose: an error, khepri mounts files.
        ${khepriLib.composeDoc section "external"}
      '';
    };
    driver = optional types.str ''
      A swarm ${section} store driver: an error.
      ${khepriLib.composeDoc section "driver"}
    '' null;
    templateDriver = optional types.str ''
      A swarm templating driver: an error.
      ${khepriLib.composeDoc section "template_driver"}
    '' null;
    name = optional types.str ''
      The name of the swarm ${section} object: a warning, as khepri mounts the file and
      creates no object.
      ${khepriLib.composeDoc section "name"}
    '' null;
    environment = optional types.str ''
      The environment variable of compose's shell holding the value: an error, khepri has
      no such shell; write the value to a file instead.
      ${khepriLib.composeDoc section "environment"}
    '' null;
  };
  secret = khepriLib.sparseSubmodule {
    options = swarmOnly "secrets" // {
      file = optional types.str ''
        The absolute path of the secret's file on the host, read when a container starts:
        a runtime path such as sops-nix's or agenix's `/run/secrets/<name>`. A string, not
        a Nix path, so that the secret never enters the world-readable Nix store; khepri
        warns about a store path.
        ${khepriLib.composeDoc "secrets" "file"}
      '' "/run/secrets/db_password";
    };
  };
  config = khepriLib.sparseSubmodule {
    options = swarmOnly "configs" // {
      file = optional (types.either types.path types.str) ''
        The config's file: a Nix path (copied to the store) or an absolute path on the host.
        ${khepriLib.composeDoc "configs" "file"}
      '' "./Caddyfile";
      content = optional types.str ''
        The config's content, written to the Nix store (world-readable: never a secret).
        ${khepriLib.composeDoc "configs" "content"}
      '' ":80 { respond \"hello\" }";
    };
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
        ${khepriLib.composeDoc "secrets" "secrets"}
      '';
    };
    configs = mkOption {
      type = types.attrsOf config;
      default = { };
      example = lib.literalExpression ''{ caddyfile.file = ./Caddyfile; }'';
      description = ''
        Configs the services can mount (service {option}`configs`), read-only at `/<name>`.
        ${khepriLib.composeDoc "configs" "configs"}
      '';
    };
    version = optional types.str ''
      Compose's obsolete file format version: ignored by compose, and a warning here.
      ${khepriLib.composeDoc "version-and-name-top-level-elements" "version-top-level-element-obsolete"}
    '' "3.8";
    name = optional types.str ''
      Compose's project name. A composition's name is its attribute name in
      `khepri.compositions`; a different `name` is an error (rename the attribute).
      ${khepriLib.composeDoc "version-and-name-top-level-elements" "name-top-level-element"}
    '' "paperless";
    include = mkOption {
      type = types.listOf types.anything;
      default = [ ];
      description = ''
        Compose's inclusion of other compose files: an error. In Nix, import the other
        composition's file and merge it (`imports`, `//`, `lib.recursiveUpdate`).
        ${khepriLib.composeDoc "include" "include"}
      '';
    };
    models = mkOption {
      type = types.attrsOf types.anything;
      default = { };
      description = ''
        AI models for Docker Model Runner: an error, as neither engine runs them.
        ${khepriLib.composeDoc "models" "models"}
      '';
    };
  };
}
