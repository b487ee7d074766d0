# The manifest the `khepri` command reads from /etc/khepri/manifest.json (host/manifest):
# per composition its target, khepri's own units, networks and volumes, the user whose
# rootless podman runs it (if any), and per service
# its image, ports, networks and mounts and every container (a scaled service has
# several) with its unit. Everything is read from the expansion, so the command and
# NixOS agree on every name without evaluating Nix.
{ lib }:
expansion:
let
  inherit (expansion) backend;
  inherit (import ./containers.nix { inherit lib; } expansion)
    labelOf
    projectOf
    serviceOf
    userOf
    uidOf
    ;

  # The format version host/manifest reads. 2: a service lists its containers; 3: a
  # rootless composition names its user.
  version = 3;

  # A scaled service's replicas are numbered from 1; an unscaled container is number 1.
  numberOf =
    container:
    let
      n = labelOf "com.docker.compose.container-number" container;
    in
    if n == null then 1 else lib.toInt n;

  # oci-containers names a container's unit `<backend>-<container>`; the expansion's
  # container units use the same name.
  unitOf = name: "${backend}-${name}";

  # The plugin attaches a network as docker's `--network=name=N,alias=A,...` or podman's
  # `--network=N:alias=A,...`, N being the engine's network name; the service-name alias
  # is always there. A network mode (`--network=host`, `--network=container:C`, ...)
  # has neither form and joins no network of the composition.
  networkOf =
    option:
    let
      docker = builtins.match "--network=name=([^,\"]+),\"?alias=.*" option;
      podman = builtins.match "--network=([^:,=\"]+):alias=.*" option;
    in
    if docker != null then
      builtins.head docker
    else if podman != null then
      builtins.head podman
    else
      null;
  networksOf =
    container: lib.filter (n: n != null) (map networkOf (container.extraOptions or [ ]));

  # csvFields splits a CSV record as the engines' --mount parser does: a field may be
  # quoted with double quotes, a quote inside doubled.
  csvFields =
    record:
    let
      quoted = builtins.match "\"(([^\"]|\"\")*)\"(,(.*))?" record;
      plain = builtins.match "([^,\"]*)(,(.*))?" record;
      rest = r: if r == null then [ ] else csvFields r;
    in
    if record == "" then
      [ ]
    else if quoted != null then
      [ (builtins.replaceStrings [ "\"\"" ] [ "\"" ] (builtins.elemAt quoted 0)) ]
      ++ rest (builtins.elemAt quoted 3)
    else if plain != null then
      [ (builtins.elemAt plain 0) ] ++ rest (builtins.elemAt plain 2)
    else
      throw "khepri manifest: malformed --mount value: ${record}";

  # mountOf reads a `--mount=` option's fields into an attribute set (the first of a
  # repeated key wins); null for another option.
  mountOf =
    option:
    let
      m = builtins.match "--mount=(.*)" option;
    in
    if m == null then
      null
    else
      builtins.listToAttrs (
        map (
          field:
          let
            kv = builtins.match "([^=]*)=(.*)" field;
          in
          if kv == null then
            lib.nameValuePair field ""
          else
            lib.nameValuePair (builtins.elemAt kv 0) (builtins.elemAt kv 1)
        ) (csvFields (builtins.head m))
      );

  # Named volumes: a short mount starting with the engine name (a bind mount starts
  # with a path), or a long `--mount=type=volume,source=NAME,...` (without a source it is
  # anonymous).
  namedVolumesOf =
    container:
    let
      short = lib.concatMap (
        mount:
        let
          m = builtins.match "([^/.~][^:]*):.*" mount;
        in
        lib.optional (m != null) (builtins.head m)
      ) (container.volumes or [ ]);
      long = lib.concatMap (
        option:
        let
          f = mountOf option;
          source = f.source or f.src or "";
        in
        lib.optional (f != null && (f.type or "") == "volume" && source != "") source
      ) (container.extraOptions or [ ]);
    in
    short ++ long;

  # A container's mounts as the engine is given them: the short ones, then the values
  # of its --mount options.
  mountsOf =
    container:
    (container.volumes or [ ])
    ++ lib.concatMap (
      option:
      let
        m = builtins.match "--mount=(.*)" option;
      in
      lib.optional (m != null) (builtins.head m)
    ) (container.extraOptions or [ ]);

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

  # A service's replicas share everything but their names and numbers, so the first
  # one's image, ports, networks and mounts are the service's.
  toService =
    replicas:
    let
      sorted = lib.sort (
        a: b:
        let
          na = numberOf a.value;
          nb = numberOf b.value;
        in
        na < nb || na == nb && a.name < b.name
      ) replicas;
      first = (builtins.head sorted).value;
    in
    {
      image = first.image or "";
      ports = first.ports or [ ];
      networks = networksOf first;
      volumes = mountsOf first;
      containers = map (c: {
        container = c.name;
        unit = "${unitOf c.name}.service";
      }) sorted;
    };

  toComposition =
    composition: members:
    let
      first = (builtins.head members).name;
      target = targetOf composition first;
    in
    # A rootless composition's containers live in its user's podman.
    lib.optionalAttrs (userOf first != "root") {
      user = userOf first;
      uid = uidOf first;
    }
    // {
      inherit target;
      units = lib.sort lib.lessThan (
        lib.mapAttrsToList (name: _: "${name}.service") (
          lib.filterAttrs (_: unit: builtins.elem target (unit.partOf or [ ])) expansion.services
        )
      );
      networks = sortedUnique (lib.concatMap (c: networksOf c.value) members);
      volumes = sortedUnique (lib.concatMap (c: namedVolumesOf c.value) members);
      services = lib.mapAttrs (_: toService) (lib.groupBy (c: serviceOf c.value) members);
    };
in
{
  inherit version backend;
  compositions = lib.mapAttrs toComposition byComposition;
}
