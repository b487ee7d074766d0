# One composition: compose's project, `khepri.compositions.<name>`.
{ lib, khepriLib }:
let
  inherit (lib) mkOption types;
  inherit (khepriLib) namesOrAttrsOf;
  resource =
    kind: example:
    khepriLib.sparseSubmodule (import ./resource.nix { inherit lib khepriLib kind example; });
in
{
  imports = [
    (import ./lifecycle.nix {
      inherit lib khepriLib;
      level = "composition";
    })
    (import ./composition-top.nix { inherit lib khepriLib; })
    (import ./rootless.nix { inherit lib khepriLib; })
  ];

  options = {
    imageFetch = khepriLib.optional khepriLib.imageFetchType ''
      How the composition's locked images reach the host, `"registry"` or `"nix"` (see
      the services' {option}`imageFetch`); unset takes {option}`khepri.imageFetch`.
      khepri's own option; compose has none.
    '' "nix";
    services = mkOption {
      type = types.attrsOf (
        khepriLib.sparseSubmoduleWith {
          module = import ./service.nix { inherit lib khepriLib; };
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
        ${khepriLib.composeDoc "services" "services"}
      '';
    };
    networks = mkOption {
      type = namesOrAttrsOf (resource "network" "proxy");
      default = { };
      example = {
        paperless = { };
        proxy_net.external = true;
      };
      description = ''
        The networks, as a list of names or an attribute set of settings. Each is created
        as `<composition>_<name>` when the composition starts and removed when it stops.
        ${khepriLib.composeDoc "networks" "networks"}
      '';
    };
    volumes = mkOption {
      type = namesOrAttrsOf (resource "volume" "pgdata");
      default = { };
      example = [
        "pgdata"
        "documents"
      ];
      description = ''
        The named volumes, as a list of names or an attribute set of settings. Each is
        created as `<composition>_<name>` before a container uses it, and never removed.
        ${khepriLib.composeDoc "volumes" "volumes"}
      '';
    };
  };
}
