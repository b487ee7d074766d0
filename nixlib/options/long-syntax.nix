# Compose's long syntaxes of a service's `ports`, `volumes`, `networks` and `env_file`
# entries, as submodules for service.nix. The short string forms stay strings: the plugin
# parses them.
{ lib, khepriLib }:
let
  inherit (lib) mkOption types;
  doc = khepriLib.composeDoc "services";
  inherit (khepriLib) numberOrStr optional;
in
{
  # A short string or a long attribute set; the long form's options are the documented
  # ones (types.either alone shows none in the options reference).
  shortOrLong = short: long: types.either short long // { inherit (long) getSubOptions; };

  port = khepriLib.sparseSubmodule {
    options = {
      target = mkOption {
        type = numberOrStr;
        example = 80;
        description = "The container port, or a range `first-last`.";
      };
      published = optional numberOrStr "The host port or range; `null` lets the engine pick a free port." "8080";
      hostIp = optional types.str "The host address to bind, IPv4 or IPv6; `null` binds every address." "127.0.0.1";
      protocol = optional types.str "`tcp` (the default), `udp` or `sctp`." "udp";
      appProtocol =
        optional types.str
          "The application protocol. No engine has a flag for it: khepri warns and publishes the port without it."
          "http";
      mode =
        optional types.str
          "`ingress` or `host`. On a single engine, as in compose without swarm, both publish the port on the host."
          "host";
      name =
        optional types.str
          "A human-readable name. No engine has a flag for it: khepri warns and publishes the port without it."
          "web";
    };
  };

  volume = khepriLib.sparseSubmodule {
    options = {
      type = mkOption {
        type = types.str;
        example = "bind";
        description = ''
          `bind` (a host path), `volume` (a volume of the composition), `tmpfs`, or `image`
          (an image's file system, read-only; docker 28 or later). `npipe` is Windows-only
          and an error.
        '';
      };
      source = optional types.str ''
        For `bind`, an absolute host path; for `volume`, the name of one of the composition's
        {option}`volumes` (`null`: an anonymous volume, which oci-containers removes on every
        stop); for `image`, an image reference.
      '' "/srv/app/config";
      target = mkOption {
        type = types.str;
        example = "/etc/app";
        description = "The absolute path in the container.";
      };
      readOnly = mkOption {
        type = types.bool;
        default = false;
        description = "Whether the mount is read-only.";
      };
      bind = optional (khepriLib.sparseSubmodule {
        options = {
          propagation = optional types.str "`shared`, `slave`, `private`, `rshared`, `rslave` or `rprivate`." "rslave";
          createHostPath = optional types.bool ''
            Whether a missing source directory is created before the container starts
            (`null` means `true`, compose's default). The engines' `--mount` fails on a
            missing source, so khepri runs `mkdir -p` in the container unit's `preStart`.
          '' false;
          selinux = optional types.str ''
            `z` (a label shared between containers) or `Z` (private). docker relabels only
            short-syntax mounts, so khepri writes this mount in the short syntax on docker.
          '' "z";
        };
      }) "Options of a `bind` mount." { propagation = "rslave"; };
      volume = optional (khepriLib.sparseSubmodule {
        options = {
          nocopy = mkOption {
            type = types.bool;
            default = false;
            description = "Whether an empty volume stays empty instead of receiving the image's files at the target.";
          };
          subpath = optional types.str "A relative path inside the volume to mount instead of the whole volume." "media";
        };
      }) "Options of a `volume` mount." { nocopy = true; };
      tmpfs = optional (khepriLib.sparseSubmodule {
        options = {
          size = optional numberOrStr "The size: bytes, or with a unit (`64m`, `1g`)." "64m";
          mode = optional numberOrStr ''
            The file mode in octal digits, as a string or an integer written as those digits
            (`1777`): Nix has no octal literals.
          '' "1777";
        };
      }) "Options of a `tmpfs` mount." { size = "64m"; };
      image = optional (khepriLib.sparseSubmodule {
        options.subpath = optional types.str "A path inside the image to mount instead of its whole file system." "usr/share/nginx/html";
      }) "Options of an `image` mount." { subpath = "etc"; };
      consistency = optional types.str ''
        A Docker Desktop for Mac setting that engines on Linux ignore: khepri warns.
      '' "cached";
    };
  };

  # An env file's path: a runtime path, or a Nix path, which is copied to the store.
  envFilePath = types.either types.path types.str;

  envFile = khepriLib.sparseSubmodule {
    options = {
      path = mkOption {
        type = types.either types.path types.str;
        example = "/run/secrets/app.env";
        description = "The file's absolute path on the host, read when the container starts.";
      };
      required = mkOption {
        type = types.bool;
        default = true;
        description = ''
          Whether the container's start fails when the file is missing; `false` starts it
          without the file.
        '';
      };
      format = optional types.str ''
        `null` reads compose's syntax (quotes, `# comments`, `''${VAR}`); `"raw"` takes each
        line literally, as `docker run --env-file` does.
      '' "raw";
    };
  };

  network = {
    options = {
      aliases = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "database" ];
        description = ''
          Further DNS names of the service on this network. The service name is always one.
          ${doc "aliases"}
        '';
      };
      ipv4Address = optional types.str ''
        A static IPv4 address on this network, which needs a subnet in the network's `ipam`.
        ${doc "ipv4_address-ipv6_address"}
      '' "172.16.238.10";
      ipv6Address = optional types.str ''
        A static IPv6 address on this network.
        ${doc "ipv4_address-ipv6_address"}
      '' "2001:3984:3989::10";
      linkLocalIps = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "169.254.8.8" ];
        description = ''
          Further link-local addresses. docker only: an error on podman.
          ${doc "link_local_ips"}
        '';
      };
      macAddress = optional types.str ''
        The interface's MAC address on this network.
        ${doc "mac_address"}
      '' "02:42:ac:11:00:02";
      driverOpts = mkOption {
        type = types.attrsOf types.str;
        default = { };
        example = {
          "com.docker.network.bridge.host_binding_ipv4" = "127.0.0.1";
        };
        description = ''
          Endpoint options for the network driver. docker only: an error on podman.
          ${doc "driver_opts"}
        '';
      };
      priority = mkOption {
        type = types.int;
        default = 0;
        example = 1000;
        description = ''
          The order in which the service joins its networks: highest first, then by name.
          ${doc "priority"}
        '';
      };
      gwPriority = mkOption {
        type = types.int;
        default = 0;
        example = 1;
        description = ''
          The network with the highest value gives the default route (docker 28 or later).
          docker only: an error on podman, where the first network (see {option}`priority`)
          gives it.
          ${doc "gw_priority"}
        '';
      };
      interfaceName = optional types.str ''
        The interface's name in the container; on docker an endpoint driver option,
        `com.docker.network.endpoint.ifname` (docker 28.1 or later).
        ${doc "interface_name"}
      '' "eth1";
    };
  };
}
