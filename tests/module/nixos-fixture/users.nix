# The part of users.users (nixos/modules/config/users-groups.nix) that rootless podman and
# oci-containers read: a uid, a home, subordinate ids (a normal user gets a range), and
# lingering, which NixOS leaves unmanaged (null) unless set.
{ lib, ... }:
let
  inherit (lib) mkOption types;

  user =
    { name, config, ... }:
    {
      options = {
        uid = mkOption {
          type = types.nullOr types.int;
          default = null;
        };
        isNormalUser = mkOption {
          type = types.bool;
          default = false;
        };
        home = mkOption {
          type = types.str;
          default = "/var/empty";
        };
        linger = mkOption {
          type = types.nullOr types.bool;
          default = null;
        };
        autoSubUidGidRange = mkOption {
          type = types.bool;
          default = false;
        };
        subUidRanges = mkOption {
          type = types.listOf types.attrs;
          default = [ ];
        };
        subGidRanges = mkOption {
          type = types.listOf types.attrs;
          default = [ ];
        };
      };
      config = {
        # users.defaultUserHome is /home unless set.
        home = lib.mkIf config.isNormalUser (lib.mkDefault "/home/${name}");
        autoSubUidGidRange = lib.mkIf (
          config.isNormalUser && config.subUidRanges == [ ] && config.subGidRanges == [ ]
        ) (lib.mkDefault true);
      };
    };
in
{
  options.users.users = mkOption {
    type = types.attrsOf (types.submodule user);
    default = { };
  };
}
