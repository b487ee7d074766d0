# Compose's long syntaxes of a service's `ports`, `volumes`, `networks` and `env_file`
# entries, as submodules for service.nix. The short string forms stay strings: the plugin
# parses them.
{ lib, helpers }:
let
  inherit (lib) mkOption types;
  inherit (helpers) numberOrStr optional;
in
{
  # A short string or a long attribute set; the long form's options are the documented
  # ones (types.either alone shows none in the options reference).
  shortOrLong = short: long: types.either short long // { inherit (long) getSubOptions; };

  port = helpers.sparseSubmodule {
    options = {
      target = mkOption {
        type = numberOrStr;
        example = 80;
        description = "The container port, or a range `first-last`.";
      };
      published = optional {
        type = numberOrStr;
        example = "8080";
        description = "The host port or range; `null` lets the engine pick a free port.";
      };
      hostIp = optional {
        type = types.str;
        example = "127.0.0.1";
        description = "The host address to bind, IPv4 or IPv6; `null` binds every address.";
      };
      protocol = optional {
        type = types.str;
        example = "udp";
        description = "`tcp` (the default), `udp` or `sctp`.";
      };
      appProtocol = optional {
        type = types.str;
        example = "http";
        description = "The application protocol. No engine has a flag for it: khepri warns and publishes the port without it.";
      };
      mode = optional {
        type = types.str;
        example = "host";
        description = "`ingress` or `host`. On a single engine, as in compose without swarm, both publish the port on the host.";
      };
      name = optional {
        type = types.str;
        example = "web";
        description = "A human-readable name. No engine has a flag for it: khepri warns and publishes the port without it.";
      };
    };
  };

  volume = helpers.sparseSubmodule {
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
      source = optional {
        type = types.str;
        example = "/srv/app/config";
        description = ''
          For `bind`, an absolute host path; for `volume`, the name of one of the composition's
          {option}`volumes` (`null`: an anonymous volume, which oci-containers removes on every
          stop); for `image`, an image reference.
        '';
      };
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
      bind = optional {
        type = helpers.sparseSubmodule {
          options = {
            propagation = optional {
              type = types.str;
              example = "rslave";
              description = "`shared`, `slave`, `private`, `rshared`, `rslave` or `rprivate`.";
            };
            createHostPath = optional {
              type = types.bool;
              example = false;
              description = ''
                Whether a missing source directory is created before the container starts
                (`null` means `true`, compose's default). The engines' `--mount` fails on a
                missing source, so khepri runs `mkdir -p` in the container unit's `preStart`.
              '';
            };
            selinux = optional {
              type = types.str;
              example = "z";
              description = ''
                `z` (a label shared between containers) or `Z` (private). docker relabels only
                short-syntax mounts, so khepri writes this mount in the short syntax on docker.
              '';
            };
            recursive = optional {
              type = types.str;
              example = "disabled";
              description = ''
                Whether the source's submounts are mounted too: `enabled` (the engines'
                default), `disabled` (the source alone), or, on a {option}`readOnly` mount,
                `writable` (submounts stay writable) or `readonly` (submounts read-only too,
                which needs Linux 5.12; khepri adds `bind-propagation=rprivate`, which docker
                requires with it). docker takes it as `bind-recursive`, from docker 25 on
                (NixOS ships newer; older engines ignore `writable` and `readonly`); podman
                takes `disabled` only (`bind-nonrecursive`), and the others are an error
                there. Not with {option}`selinux` on docker, whose short syntax cannot say it.
              '';
            };
          };
        };
        example = {
          propagation = "rslave";
        };
        description = "Options of a `bind` mount.";
      };
      volume = optional {
        type = helpers.sparseSubmodule {
          options = {
            nocopy = mkOption {
              type = types.bool;
              default = false;
              description = "Whether an empty volume stays empty instead of receiving the image's files at the target.";
            };
            subpath = optional {
              type = types.str;
              example = "media";
              description = "A relative path inside the volume to mount instead of the whole volume.";
            };
            labels = mkOption {
              # compose's list of `name=value` or mapping, as the volume's own labels.
              type = helpers.coercedTo (types.listOf types.str) (helpers.entriesToAttrs "") (
                types.attrsOf types.str
              );
              default = { };
              example = [ "com.example.role=spool" ];
              description = ''
                Labels of the volume when this mount creates it: an anonymous volume, as
                khepri's volume units create the composition's named volumes (set their
                {option}`labels` there; here they are a warning). An attribute set or a list
                of `name=value`. docker only (`volume-label`): podman's `--mount` has no
                volume labels, and they are an error there.
              '';
            };
          };
        };
        example = {
          nocopy = true;
        };
        description = "Options of a `volume` mount.";
      };
      tmpfs = optional {
        type = helpers.sparseSubmodule {
          options = {
            size = optional {
              type = numberOrStr;
              example = "64m";
              description = "The size: bytes, or with a unit (`64m`, `1g`).";
            };
            mode = optional {
              type = numberOrStr;
              example = "1777";
              description = ''
                The file mode in octal digits, as a string or an integer written as those digits
                (`1777`): Nix has no octal literals.
              '';
            };
          };
        };
        example = {
          size = "64m";
        };
        description = "Options of a `tmpfs` mount.";
      };
      image = optional {
        type = helpers.sparseSubmodule {
          options.subpath = optional {
            type = types.str;
            example = "usr/share/nginx/html";
            description = "A path inside the image to mount instead of its whole file system.";
          };
        };
        example = {
          subpath = "etc";
        };
        description = "Options of an `image` mount.";
      };
      consistency = optional {
        type = types.str;
        example = "cached";
        description = ''
          A Docker Desktop for Mac setting that engines on Linux ignore: khepri warns.
        '';
      };
    };
  };

  # An env file's path: a runtime path, or a Nix path, which is copied to the store.
  envFilePath = types.either types.path types.str;

  envFile = helpers.sparseSubmodule {
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
      format = optional {
        type = types.str;
        example = "raw";
        description = ''
          `null` reads compose's syntax (quotes, `# comments`, `''${VAR}`); `"raw"` takes each
          line literally, as `docker run --env-file` does.
        '';
      };
    };
  };

  network = {
    options = helpers.composeOptions {
      section = "services";
      anchors = {
        ipv4Address = "ipv4_address-ipv6_address";
        ipv6Address = "ipv4_address-ipv6_address";
      };
    } {
      aliases = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "database" ];
        description = ''
          Further DNS names of the service on this network. The service name is always one.
        '';
      };
      ipv4Address = optional {
        type = types.str;
        example = "172.16.238.10";
        description = ''
          A static IPv4 address on this network, which needs a subnet in the network's `ipam`.
        '';
      };
      ipv6Address = optional {
        type = types.str;
        example = "2001:3984:3989::10";
        description = ''
          A static IPv6 address on this network.
        '';
      };
      linkLocalIps = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "169.254.8.8" ];
        description = ''
          Further link-local addresses. docker only: an error on podman.
        '';
      };
      macAddress = optional {
        type = types.str;
        example = "02:42:ac:11:00:02";
        description = ''
          The interface's MAC address on this network.
        '';
      };
      driverOpts = mkOption {
        type = types.attrsOf types.str;
        default = { };
        example = {
          "com.docker.network.bridge.host_binding_ipv4" = "127.0.0.1";
        };
        description = ''
          Endpoint options for the network driver. docker only: an error on podman.
        '';
      };
      priority = mkOption {
        type = types.int;
        default = 0;
        example = 1000;
        description = ''
          The order in which the service joins its networks: highest first, then by name.
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
        '';
      };
      interfaceName = optional {
        type = types.str;
        example = "eth1";
        description = ''
          The interface's name in the container; on docker an endpoint driver option,
          `com.docker.network.endpoint.ifname` (docker 28.1 or later).
        '';
      };
    };
  };
}
