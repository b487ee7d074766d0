# The manifest the `khepri` command reads from /etc/khepri/manifest.json (host/manifest):
# per composition its target, khepri's own units, networks and volumes, and per service
# its container, unit, image, ports, networks and mounts. Everything is read from the
# expansion, so the command and NixOS agree on every name without evaluating Nix.
{ lib }:
expansion:
let
  inherit (expansion) backend;

  # The format version host/manifest reads.
  version = 1;

  labelOf = key: container: container.labels.${key} or null;
  projectOf = labelOf "com.docker.compose.project";
  serviceOf = labelOf "com.docker.compose.service";

  # oci-containers names a container's unit `<backend>-<container>`; the expansion's
  # container units use the same name.
  unitOf = name: "${backend}-${name}";

  # The plugin attaches networks as `--network=name=N,alias=A` (docker) or
  # `--network=N:alias=A` (podman); N is the engine's network name.
  networksOf =
    container:
    lib.concatMap (
      option:
      let
        m = builtins.match "--network=(name=)?([^,:]+).*" option;
      in
      lib.optional (m != null) (builtins.elemAt m 1)
    ) (container.extraOptions or [ ]);

  # A named volume's mount starts with its engine name; a bind mount with a path.
  namedVolumesOf =
    container:
    lib.concatMap (
      mount:
      let
        m = builtins.match "([^/.~][^:]*):.*" mount;
      in
      lib.optional (m != null) (builtins.head m)
    ) (container.volumes or [ ]);

  targetOf =
    composition: name:
    let
      targets = builtins.filter (lib.hasSuffix ".target") (
        expansion.containerUnits.${unitOf name}.partOf or [ ]
      );
    in
    if targets != [ ] then builtins.head targets else "khepri-${composition}.target";

  # Containers of compositions, which all carry compose's project and service labels.
  containers = lib.filter (c: projectOf c.value != null && serviceOf c.value != null) (
    lib.mapAttrsToList lib.nameValuePair expansion.containers
  );
  byComposition = lib.groupBy (c: projectOf c.value) containers;

  sortedUnique = list: lib.sort lib.lessThan (lib.unique list);

  toComposition =
    composition: members:
    let
      target = targetOf composition (builtins.head members).name;
    in
    {
      inherit target;
      units = lib.sort lib.lessThan (
        lib.mapAttrsToList (name: _: "${name}.service") (
          lib.filterAttrs (_: unit: builtins.elem target (unit.partOf or [ ])) expansion.services
        )
      );
      networks = sortedUnique (lib.concatMap (c: networksOf c.value) members);
      volumes = sortedUnique (lib.concatMap (c: namedVolumesOf c.value) members);
      services = builtins.listToAttrs (
        map (c: {
          name = serviceOf c.value;
          value = {
            container = c.name;
            unit = "${unitOf c.name}.service";
            image = c.value.image or "";
            ports = c.value.ports or [ ];
            networks = networksOf c.value;
            volumes = c.value.volumes or [ ];
          };
        }) members
      );
    };
in
{
  inherit version backend;
  compositions = lib.mapAttrs toComposition byComposition;
}
