# One schema: the option tree under khepri.compositions and the request messages of
# proto/khepri/v1/expander.proto name the same fields.
{ lib, ... }:
let
  proto = builtins.readFile ../../../proto/khepri/v1/expander.proto;

  # The JSON names of a message's fields: lowerCamelCase of the proto field names.
  fieldsOf =
    message:
    let
      body = builtins.head (builtins.match ".*\nmessage ${message} \\{\n([^}]*)\n}.*" proto);
      lines = lib.splitString "\n" body;
      field = line: builtins.match " *(repeated |optional )?[A-Za-z0-9_.<>, ]+ ([a-z_0-9]+) = [0-9]+;.*" line;
      snake = builtins.concatMap (l: let m = field l; in if m == null then [ ] else [ (builtins.elemAt m 1) ]) lines;
      camel =
        name:
        let
          parts = lib.splitString "_" name;
        in
        builtins.head parts + lib.concatMapStrings lib.toSentenceCase (builtins.tail parts);
    in
    lib.sort lib.lessThan (map camel snake);

  compositionOpts = (import ../../../nixlib/options { inherit lib; }).compositions;
  composition = compositionOpts.type.nestedTypes.elemType.getSubOptions [ ];
  service = composition.services.type.nestedTypes.elemType.getSubOptions [ ];
  # Aliases of other options are not part of the request (see options/default.nix).
  aliases = [
    "cmd"
    "environmentFiles"
  ];
  names = opts: lib.sort lib.lessThan (lib.subtractLists ([ "_module" ] ++ aliases) (builtins.attrNames opts));
  volume = service.volumes.type.nestedTypes.elemType.nestedTypes.right.getSubOptions [ ];
  ipam =
    (composition.networks.type.nestedTypes.finalType.nestedTypes.elemType.getSubOptions [ ]).ipam.type.nestedTypes.elemType.getSubOptions
      [ ];
  resourceNames = opt: names (opt.type.nestedTypes.finalType.nestedTypes.elemType.getSubOptions [ ]);

  # The run settings' nested options (nixlib/options/service-runtime.nix,
  # service-limits.nix, service-health.nix): nullOr, listOf, attrsOf and coercedTo hand
  # getSubOptions down to the submodule.
  sub = opt: opt.type.getSubOptions [ ];
  deploy = sub service.deploy;
  resources = sub deploy.resources;
  runSettings = {
    Ulimit = sub service.ulimits;
    Logging = sub service.logging;
    BlkioConfig = sub service.blkioConfig;
    WeightDevice = sub (sub service.blkioConfig).weightDevice;
    ThrottleDevice = sub (sub service.blkioConfig).deviceReadBps;
    DeviceRequest = sub service.gpus;
    Healthcheck = sub service.healthcheck;
    LifecycleHook = sub service.postStart;
    Deploy = deploy;
    Resources = resources;
    ResourceLimits = sub resources.limits;
    ResourceReservations = sub resources.reservations;
    RestartPolicy = sub deploy.restartPolicy;
  };
in
lib.mapAttrs' (
  message: opts:
  lib.nameValuePair "test: ${message} options are the ${message} message's fields" {
    expr = names opts;
    expected = fieldsOf message;
  }
) runSettings
// {
  "test: composition options are the Composition message's fields" = {
    expr = names composition;
    expected = fieldsOf "Composition";
  };
  "test: service options are the Service message's fields" = {
    expr = names service;
    expected = fieldsOf "Service";
  };
  "test: network options are the Network message's fields" = {
    expr = resourceNames composition.networks;
    expected = fieldsOf "Network";
  };
  "test: volume options are the Volume message's fields" = {
    expr = resourceNames composition.volumes;
    expected = fieldsOf "Volume";
  };
  "test: service network options are the ServiceNetwork message's fields" = {
    expr = resourceNames service.networks;
    expected = fieldsOf "ServiceNetwork";
  };
  "test: long-syntax port options are the ServicePort message's fields" = {
    expr = names (service.ports.type.nestedTypes.elemType.nestedTypes.right.getSubOptions [ ]);
    expected = fieldsOf "ServicePort";
  };
  "test: long-syntax volume options are the ServiceVolume message's fields" = {
    expr = names volume;
    expected = fieldsOf "ServiceVolume";
  };
  "test: volume bind, volume, tmpfs and image options are their messages' fields" = {
    expr = map (k: names (volume.${k}.type.nestedTypes.elemType.getSubOptions [ ])) [
      "bind"
      "volume"
      "tmpfs"
      "image"
    ];
    expected = map fieldsOf [
      "VolumeBind"
      "VolumeVolume"
      "VolumeTmpfs"
      "VolumeImage"
    ];
  };
  "test: long-syntax env file options are the EnvFile message's fields" = {
    expr = names (
      service.envFile.type.nestedTypes.finalType.nestedTypes.elemType.nestedTypes.right.getSubOptions [ ]
    );
    expected = fieldsOf "EnvFile";
  };
  "test: service secrets and configs options are the ServiceFile message's fields" = {
    expr = map (k: names (service.${k}.type.nestedTypes.elemType.nestedTypes.finalType.getSubOptions [ ])) [
      "secrets"
      "configs"
    ];
    expected = [
      (fieldsOf "ServiceFile")
      (fieldsOf "ServiceFile")
    ];
  };
  "test: secret and config options are the Secret and Config messages' fields" = {
    expr = map (k: names (composition.${k}.type.nestedTypes.elemType.getSubOptions [ ])) [
      "secrets"
      "configs"
    ];
    expected = map fieldsOf [
      "Secret"
      "Config"
    ];
  };
  "test: ipam options are the NetworkIpam and IpamPool messages' fields" = {
    expr = [
      (names ipam)
      (names (ipam.config.type.nestedTypes.elemType.getSubOptions [ ]))
    ];
    expected = map fieldsOf [
      "NetworkIpam"
      "IpamPool"
    ];
  };
  "test: build options are the Build message's fields" = {
    expr = names (service.build.type.nestedTypes.elemType.nestedTypes.finalType.getSubOptions [ ]);
    expected = fieldsOf "Build";
  };
  "test: dependsOn options are the Dependency message's fields" = {
    expr = resourceNames service.dependsOn;
    expected = fieldsOf "Dependency";
  };
}
