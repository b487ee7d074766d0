# One composition: compose's project, `khepri.compositions.<name>`.
{ lib, helpers }:
let
  inherit (lib) mkOption types;
  inherit (helpers) namesOrAttrsOf;
  # resource { kind, example }: the type of a composition's network or volume.
  resource =
    { kind, example }:
    helpers.sparseSubmodule (import ./resource.nix { inherit lib helpers kind example; });
in
{
  imports = [
    (import ./lifecycle.nix {
      inherit lib helpers;
      level = "composition";
    })
    (import ./composition-top.nix { inherit lib helpers; })
    (import ./rootless.nix { inherit lib helpers; })
  ];

  options = {
    imageFetch = helpers.optional {
      type = helpers.imageFetchType;
      example = "nix";
      description = ''
        How the composition's locked images reach the host, `"registry"` or `"nix"` (see
        the services' {option}`imageFetch`); unset takes {option}`khepri.imageFetch`.
        khepri's own option; compose has none.
      '';
    };
    services = mkOption {
      type = types.attrsOf (
        helpers.sparseSubmoduleWith {
          module = import ./service.nix { inherit lib helpers; };
          # The names NixOS's oci-containers uses, for users who know those.
          aliases = {
            cmd = "command";
            environmentFiles = "envFile";
          };
        }
      );
      default = { };
      description = ''
        The services, one container each.
        ${helpers.composeDoc "services" "services"}
      '';
    };
    networks = mkOption {
      type = namesOrAttrsOf (resource {
        kind = "network";
        example = "proxy";
      });
      default = { };
      example = {
        paperless = { };
        proxy_net.external = true;
      };
      description = ''
        The networks, as a list of names or an attribute set of settings. Each is created
        as `<composition>_<name>` when the composition starts and removed when it stops.
        ${helpers.composeDoc "networks" "networks"}
      '';
    };
    volumes = mkOption {
      type = namesOrAttrsOf (resource {
        kind = "volume";
        example = "pgdata";
      });
      default = { };
      example = [
        "pgdata"
        "documents"
      ];
      description = ''
        The named volumes, as a list of names or an attribute set of settings. Each is
        created as `<composition>_<name>` before a container uses it, and never removed.
        ${helpers.composeDoc "volumes" "volumes"}
      '';
    };
  };
}
