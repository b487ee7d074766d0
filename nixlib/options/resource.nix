# A composition's network or volume: compose's top-level `networks.<name>` and
# `volumes.<name>` share these settings.
{
  lib,
  khepriLib,
  kind,
  example,
}:
let
  inherit (lib) mkOption types;
  inherit (khepriLib) entriesToAttrs numberOrStr optional;
  section = "${kind}s";
in
{
  options = {
    external = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Whether the ${kind} is created outside this composition (by hand, or by another
        composition). khepri then uses it under {option}`name` (or its attribute name) as
        is and creates no unit for it.
        ${khepriLib.composeDoc section "external"}
      '';
    };
    name = mkOption {
      type = types.str;
      default = "";
      inherit example;
      description = ''
        The ${kind}'s name in the engine. Empty means `<composition>_<attribute name>`, or
        the attribute name when the ${kind} is external.
        ${khepriLib.composeDoc section "name"}
      '';
    };
    driver = optional types.str ''
      The ${kind} driver; `null` is the engine's default.
      ${khepriLib.composeDoc section "driver"}
    '' (if kind == "network" then "bridge" else "local");
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
        ${khepriLib.composeDoc section "driver_opts"}
      '';
    };
    labels = mkOption {
      type = khepriLib.khepriCoercedTo (types.listOf types.str) (entriesToAttrs "") (types.attrsOf types.str);
      default = { };
      example = {
        "com.example.backup" = "daily";
      };
      description = ''
        Labels on the ${kind}, as an attribute set or a list of `name=value` (a bare `name`
        has an empty value, the last of a repeated `name` wins, as in compose). khepri adds
        compose's `com.docker.compose.project` and `com.docker.compose.${kind}`.
        ${khepriLib.composeDoc section "labels"}
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
        ${khepriLib.composeDoc section "attachable"}
      '';
    };
    enableIpv4 = mkOption {
      type = types.nullOr types.bool;
      default = null;
      description = ''
        `false` creates a network without IPv4 (docker 28 or later `--ipv4=false`; an error
        on podman). `null` is the engine's default, IPv4 on.
        ${khepriLib.composeDoc section "enable_ipv4"}
      '';
    };
    enableIpv6 = mkOption {
      type = types.nullOr types.bool;
      default = null;
      description = ''
        Whether the network has IPv6 (`--ipv6`); `null` is the engine's default.
        ${khepriLib.composeDoc section "enable_ipv6"}
      '';
    };
    internal = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Whether the network is cut off from outside (`--internal`).
        ${khepriLib.composeDoc section "internal"}
      '';
    };
    ipam = mkOption {
      type = types.nullOr (
        khepriLib.sparseSubmodule {
          options = {
            driver = optional types.str "The IPAM driver (`--ipam-driver`)." "default";
            config = mkOption {
              type = types.listOf (
                khepriLib.sparseSubmodule {
                  options = {
                    subnet =
                      optional types.str
                        "The subnet in CIDR notation (`--subnet`)."
                        "172.28.0.0/16";
                    ipRange =
                      optional types.str
                        "The range containers get addresses from (`--ip-range`)."
                        "172.28.5.0/24";
                    gateway =
                      optional types.str
                        "The subnet's gateway (`--gateway`)."
                        "172.28.5.254";
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
        ${khepriLib.composeDoc section "ipam"}
      '';
    };
  };
}
