# The NixOS options of the module tier that need no behaviour of their own: assertions,
# warnings, environment, networking.proxy, the engines' packages and switches, sysctls.
{ lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
in
{
  options = {
    assertions = mkOption {
      type = types.listOf types.unspecified;
      default = [ ];
    };
    warnings = mkOption {
      type = types.listOf types.str;
      default = [ ];
    };
    environment.systemPackages = mkOption {
      type = types.listOf types.package;
      default = [ ];
    };
    environment.etc = mkOption {
      type = types.attrsOf (
        types.submodule (
          { name, ... }:
          {
            options = {
              enable = mkOption {
                type = types.bool;
                default = true;
              };
              target = mkOption {
                type = types.str;
                default = name;
              };
              text = mkOption {
                type = types.nullOr types.lines;
                default = null;
              };
              mode = mkOption {
                type = types.str;
                default = "symlink";
              };
            };
          }
        )
      );
      default = { };
    };
    # The proxy variables of networking.proxy, which every container unit gets.
    networking.proxy.envVars = mkOption {
      type = types.attrsOf types.str;
      default = { };
    };
    virtualisation.docker = {
      enable = mkOption {
        type = types.bool;
        default = false;
      };
      package = mkOption {
        type = types.package;
        default = pkgs.docker;
      };
    };
    virtualisation.podman = {
      enable = mkOption {
        type = types.bool;
        default = false;
      };
      package = mkOption {
        type = types.package;
        default = pkgs.podman;
      };
    };
    boot.kernel.sysctl = mkOption {
      type = types.attrsOf (
        types.nullOr (
          types.oneOf [
            types.bool
            types.str
            types.int
          ]
        )
      );
      default = { };
    };
  };
}
