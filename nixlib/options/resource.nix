# A composition's network or volume: compose's top-level `networks.<name>` and
# `volumes.<name>` share these settings.
{
  lib,
  helpers,
  kind,
  example,
}:
let
  inherit (lib) mkOption types;
  inherit (helpers) entriesToAttrs numberOrStr optional;
  section = "${kind}s";
in
{
  options = helpers.composeOptions { inherit section; } (
    {
      external = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Whether the ${kind} is created outside this composition (by hand, or by another
          composition). khepri then uses it under {option}`name` (or its attribute name) as
          is and creates no unit for it.
        '';
      };
      name = mkOption {
        type = types.str;
        default = "";
        inherit example;
        description = ''
          The ${kind}'s name in the engine. Empty means `<composition>_<attribute name>`, or
          the attribute name when the ${kind} is external.
        '';
      };
      driver = optional {
        type = types.str;
        example = (if kind == "network" then "bridge" else "local");
        description = ''
          The ${kind} driver; `null` is the engine's default.
        '';
      };
      driverOpts = mkOption {
        type = types.attrsOf numberOrStr;
        default = { };
        example =
          if kind == "network" then
            { "com.docker.network.bridge.name" = "br-paperless"; }
          else
            {
              type = "nfs";
              o = "addr=10.0.0.1,rw";
              device = ":/export/paperless";
            };
        description = ''
          Options of the ${kind} driver (`--opt name=value`).
        '';
      };
      labels = mkOption {
        type = helpers.coercedTo (types.listOf types.str) (entriesToAttrs "") (
          types.attrsOf types.str
        );
        default = { };
        example = {
          "com.example.backup" = "daily";
        };
        description = ''
          Labels on the ${kind}, as an attribute set or a list of `name=value` (a bare `name`
          has an empty value, the last of a repeated `name` wins, as in compose). khepri adds
          compose's `com.docker.compose.project` and `com.docker.compose.${kind}`.
        '';
      };
    }
    // lib.optionalAttrs (kind == "network") {
      attachable = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Whether standalone containers may join a swarm overlay network (docker
          `--attachable`). On podman, where every network is attachable, a warning.
        '';
      };
      enableIpv4 = mkOption {
        type = types.nullOr types.bool;
        default = null;
        description = ''
          `false` creates a network without IPv4 (docker 28 or later `--ipv4=false`; an error
          on podman). `null` is the engine's default, IPv4 on.
        '';
      };
      enableIpv6 = mkOption {
        type = types.nullOr types.bool;
        default = null;
        description = ''
          Whether the network has IPv6 (`--ipv6`); `null` is the engine's default.
        '';
      };
      internal = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Whether the network is cut off from outside (`--internal`).
        '';
      };
      ipam = mkOption {
        type = types.nullOr (
          helpers.sparseSubmodule {
            options = {
              driver = optional {
                type = types.str;
                example = "default";
                description = "The IPAM driver (`--ipam-driver`).";
              };
              config = mkOption {
                type = types.listOf (
                  helpers.sparseSubmodule {
                    options = {
                      subnet = optional {
                        type = types.str;
                        example = "172.28.0.0/16";
                        description = "The subnet in CIDR notation (`--subnet`).";
                      };
                      ipRange = optional {
                        type = types.str;
                        example = "172.28.5.0/24";
                        description = "The range containers get addresses from (`--ip-range`).";
                      };
                      gateway = optional {
                        type = types.str;
                        example = "172.28.5.254";
                        description = "The subnet's gateway (`--gateway`).";
                      };
                      auxAddresses = mkOption {
                        type = types.attrsOf types.str;
                        default = { };
                        example = {
                          host1 = "172.28.1.5";
                        };
                        description = "Addresses the driver must not hand out, by host name (docker `--aux-address`; an error on podman).";
                      };
                    };
                  }
                );
                default = [ ];
                description = "The address pools, one `--subnet` each.";
              };
              options = mkOption {
                type = types.attrsOf types.str;
                default = { };
                example = {
                  foo = "bar";
                };
                description = "IPAM driver options (docker `--ipam-opt`; an error on podman).";
              };
            };
          }
        );
        default = null;
        example = {
          config = [ { subnet = "172.28.0.0/16"; } ];
        };
        description = ''
          The network's IP address management.
        '';
      };
    }
  );
}
