# Rootless podman: the unprivileged user a composition runs as.
{ lib, helpers }:
let
  inherit (lib) types;
  inherit (helpers) optional;
in
{
  options.podman = {
    user = optional {
      type = types.str;
      example = "alice";
      description = ''
        Runs the composition rootless, as this user (podman backend only): its containers
        (oci-containers' `podman.user`) and the units creating its networks and volumes
        run as the user, in the user's own podman, whose containers, networks and volumes
        root's podman does not see. The units wait for the user's manager,
        `user@<uid>.service`, which keeps podman's state in /run/user/<uid>.

        The user needs a static uid, subordinate uid and gid ranges (a normal user gets
        them), and lingering, so that the stack survives the user's logout (khepri turns
        it on). Host ports below `net.ipv4.ip_unprivileged_port_start` (1024 by default)
        cannot be published; bind-mount sources, secrets and configs must be readable
        by the user. A network or volume is shared only by compositions that run as the
        same user; a host-level one (`khepri.networks`, `khepri.volumes`) is created in the
        user's podman too. `null` or `"root"` runs the composition rootful.
      '';
    };
    uid = optional {
      type = types.ints.unsigned;
      example = 1500;
      description = ''
        The uid of {option}`podman.user`. In a NixOS configuration it defaults to
        `users.users.<user>.uid`; with `lib.expand`, which sees no users, set it.
      '';
    };
  };
}
