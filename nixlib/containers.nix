# What the expansion says of one of its containers: its compose labels, and for a
# rootless one the user it runs as and that user's uid, read from the
# user@<uid>.service its unit requires.
{ lib }:
expansion:
rec {
  # A compose label of a container (its value), or null.
  labelOf = key: container: container.labels.${key} or null;
  projectOf = labelOf "com.docker.compose.project";
  serviceOf = labelOf "com.docker.compose.service";

  # The user a container (by name) runs as, "root" for a rootful one.
  userOf = name: expansion.containers.${name}.podman.user or "root";

  # The uid a rootless container's unit (by name) was expanded for, or null.
  uidOf =
    name:
    let
      uids = lib.concatMap (
        unit:
        let
          m = builtins.match "user@([0-9]+)[.]service" unit;
        in
        lib.optional (m != null) (lib.toInt (builtins.head m))
      ) (expansion.containerUnits."${expansion.backend}-${name}".requires or [ ]);
    in
    if uids == [ ] then null else builtins.head uids;
}
