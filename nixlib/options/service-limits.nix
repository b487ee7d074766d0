# A service's resource limits: compose's cpu, memory, block IO and GPU keys, and
# `deploy`, whose resources and restart policy run here while its swarm keys do not.
{ lib, helpers }:
let
  inherit (lib) mkOption types;
  inherit (helpers) composeScalar optional;
  # Compose's byte sizes: a number of bytes, or a string such as "512m" or "1gb".
  bytes = types.either types.int types.str;
  cpus = types.oneOf [
    types.int
    types.float
    types.str
  ];
  reasons = helpers.rejected;
  sub = options: types.nullOr (helpers.sparseSubmodule { inherit options; });

  deviceRequest = helpers.sparseSubmodule {
    options = {
      capabilities = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "gpu" ];
        description = "The capabilities the devices must have, such as `gpu`.";
      };
      count = optional {
        type = (types.either types.int (types.enum [ "all" ]));
        example = "all";
        description = "How many devices, or `all`; exclusive with {option}`deviceIds`.";
      };
      deviceIds = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "0" ];
        description = "The devices, by id.";
      };
      driver = optional {
        type = types.str;
        example = "nvidia";
        description = "The device driver.";
      };
      options = mkOption {
        type = types.attrsOf composeScalar;
        default = { };
        description = "Driver options.";
      };
    };
  };

  throttle =
    unit:
    mkOption {
      type = types.listOf (
        helpers.sparseSubmodule {
          options = {
            path = mkOption {
              type = types.str;
              description = "The block device.";
            };
            rate = mkOption {
              type = types.either types.int types.str;
              description = "The limit, ${unit}.";
            };
          };
        }
      );
      default = [ ];
      description = "Limits per device, ${unit}.";
    };

  swarmOnly = mkOption {
    type = types.nullOr types.anything;
    default = null;
    description = "Swarm only: khepri warns that it has no effect.";
  };
in
{
  options = helpers.composeOptions { section = "services"; } {
    cpus = optional {
      type = cpus;
      example = 1.5;
      description = ''
        How many CPUs the container may use, as a number or a string (`--cpus`).
      '';
    };
    cpuShares = optional {
      type = types.int;
      example = 512;
      description = "The container's relative CPU weight (`--cpu-shares`).";
    };
    cpuPeriod = optional {
      type = types.int;
      example = 100000;
      description = "The CFS scheduler period in microseconds (`--cpu-period`).";
    };
    cpuQuota = optional {
      type = types.int;
      example = 50000;
      description = "The CFS scheduler quota in microseconds (`--cpu-quota`).";
    };
    cpuRtPeriod = optional {
      type = (types.either types.int types.str);
      example = "1s";
      description = ''
        The real-time scheduler period: microseconds, or a compose duration
        (`--cpu-rt-period`).
      '';
    };
    cpuRtRuntime = optional {
      type = (types.either types.int types.str);
      example = "950ms";
      description = ''
        The real-time scheduler runtime: microseconds, or a compose duration
        (`--cpu-rt-runtime`).
      '';
    };
    cpuset = optional {
      type = types.str;
      example = "0-3";
      description = "The CPUs the container may run on (`--cpuset-cpus`).";
    };
    memLimit = optional {
      type = bytes;
      example = "1g";
      description = ''
        The memory limit: bytes, or a compose byte size such as `512m` (`--memory`).
      '';
    };
    memReservation = optional {
      type = bytes;
      example = "256m";
      description = ''
        The memory soft limit (`--memory-reservation`).
      '';
    };
    memSwappiness = optional {
      type = types.int;
      example = 0;
      description = "How readily the kernel swaps the container's memory, 0 to 100 (`--memory-swappiness`).";
    };
    memswapLimit = optional {
      type = bytes;
      example = "2g";
      description = ''
        Memory plus swap; `-1` is unlimited (`--memory-swap`).
      '';
    };
    oomKillDisable = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Whether the OOM killer spares the container (`--oom-kill-disable`).
      '';
    };
    oomScoreAdj = optional {
      type = types.int;
      example = 500;
      description = "The container's OOM score adjustment, -1000 to 1000 (`--oom-score-adj`).";
    };
    pidsLimit = optional {
      type = types.int;
      example = 200;
      description = "The maximum number of processes; `-1` is unlimited (`--pids-limit`).";
    };
    blkioConfig = mkOption {
      type = sub {
        weight = optional {
          type = types.int;
          example = 300;
          description = "The block IO weight, 10 to 1000 (`--blkio-weight`).";
        };
        weightDevice = mkOption {
          type = types.listOf (
            helpers.sparseSubmodule {
              options = {
                path = mkOption {
                  type = types.str;
                  description = "The block device.";
                };
                weight = mkOption {
                  type = types.int;
                  description = "Its weight, 10 to 1000.";
                };
              };
            }
          );
          default = [ ];
          description = "Weights per device (`--blkio-weight-device`).";
        };
        deviceReadBps = throttle "in bytes (or a byte size) per second (`--device-read-bps`)";
        deviceWriteBps = throttle "in bytes (or a byte size) per second (`--device-write-bps`)";
        deviceReadIops = throttle "in operations per second (`--device-read-iops`)";
        deviceWriteIops = throttle "in operations per second (`--device-write-iops`)";
      };
      default = null;
      example = {
        weight = 300;
        deviceReadBps = [
          {
            path = "/dev/sda";
            rate = "12mb";
          }
        ];
      };
      description = ''
        Block IO weights and limits.
      '';
    };
    gpus = mkOption {
      type = helpers.coercedTo (types.enum [ "all" ]) (_: [ { count = "all"; } ]) (
        types.listOf deviceRequest
      );
      default = [ ];
      example = "all";
      description = ''
        GPUs: `"all"`, or a list of device requests. Docker gets `--gpus`; podman gets
        CDI devices (`nvidia.com/gpu=all`, `nvidia.com/gpu=<id>`), which need the NVIDIA
        container toolkit's CDI specification (`hardware.nvidia-container-toolkit.enable`).
      '';
    };
    deploy = mkOption {
      type = sub (helpers.composeOptions { section = "deploy"; } {
        resources = mkOption {
          type = sub {
            limits = mkOption {
              type = sub {
                cpus = optional {
                  type = cpus;
                  example = "0.5";
                  description = "How many CPUs the container may use (`--cpus`).";
                };
                memory = optional {
                  type = bytes;
                  example = "1g";
                  description = "The memory limit (`--memory`).";
                };
                pids = optional {
                  type = types.int;
                  example = 200;
                  description = "The maximum number of processes (`--pids-limit`).";
                };
              };
              default = null;
              description = "What the container may use at most.";
            };
            reservations = mkOption {
              type = sub (
                {
                  cpus = mkOption {
                    type = types.nullOr cpus;
                    default = null;
                    description = ''
                      CPUs to reserve. The engines have no such setting for a single
                      container: khepri warns that it has no effect.
                    '';
                  };
                  memory = optional {
                    type = bytes;
                    example = "256m";
                    description = "The memory soft limit (`--memory-reservation`).";
                  };
                  devices = mkOption {
                    type = types.listOf deviceRequest;
                    default = [ ];
                    example = [
                      {
                        capabilities = [ "gpu" ];
                        count = "all";
                      }
                    ];
                    description = ''
                      Devices; those with the `gpu` capability become GPUs as in
                      {option}`gpus`.
                    '';
                  };
                }
                // helpers.refusedOptions reasons.reservations
              );
              default = null;
              description = "What the container is guaranteed.";
            };
          };
          default = null;
          description = ''
            Resource limits and reservations, the same settings as {option}`cpus`,
            {option}`memLimit`, {option}`pidsLimit`, {option}`memReservation` and
            {option}`gpus`; setting one in both places is an error.
          '';
        };
        restartPolicy = mkOption {
          type = sub {
            condition = optional {
              type = types.str;
              example = "on-failure";
              description = ''
                `none`, `on-failure` or `any` (default): systemd `Restart=` `no`, `on-failure`
                or `always`. Compose also takes the engines' `no`, `always` and
                `unless-stopped`, which is `always` under systemd, as for {option}`restart`.
              '';
            };
            delay = optional {
              type = types.str;
              example = "5s";
              description = "The wait between restarts, a compose duration (`RestartSec=`).";
            };
            maxAttempts = optional {
              type = types.int;
              example = 3;
              description = "Restarts before giving up (`StartLimitBurst=`, the first start included).";
            };
            window = optional {
              type = types.str;
              example = "2m";
              description = ''
                The time over which {option}`maxAttempts` are counted
                (`StartLimitIntervalSec=`); unset counts over the unit's life.
              '';
            };
          };
          default = null;
          description = ''
            The restart policy, applied by systemd like {option}`restart`, which it replaces
            when both are set, as in compose (with a warning).
          '';
        };
        mode = swarmOnly;
        labels = swarmOnly;
        placement = swarmOnly;
        updateConfig = swarmOnly;
        rollbackConfig = swarmOnly;
        endpointMode = swarmOnly;
      });
      default = null;
      example = {
        resources.limits.memory = "1g";
        restartPolicy.condition = "on-failure";
      };
      description = ''
        Deployment settings. `resources` and `restartPolicy` apply to the container;
        swarm's settings give a warning.
      '';
    };
  };
}
