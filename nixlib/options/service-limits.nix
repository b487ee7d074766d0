# A service's resource limits: compose's cpu, memory, block IO and GPU keys, and
# `deploy`, whose resources and restart policy run here while its swarm keys do not.
{ lib, khepriLib }:
let
  inherit (lib) mkOption types;
  inherit (khepriLib) composeScalar optional;
  doc = khepriLib.composeDoc "services";
  option = khepriLib.composeOptional "services";
  deployDoc = khepriLib.composeDoc "deploy";

  int = option types.int;
  # Compose's byte sizes: a number of bytes, or a string such as "512m" or "1gb".
  bytes = types.either types.int types.str;
  cpus = types.oneOf [
    types.int
    types.float
    types.str
  ];
  sub = options: types.nullOr (khepriLib.sparseSubmodule { inherit options; });

  deviceRequest = khepriLib.sparseSubmodule {
    options = {
      capabilities = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "gpu" ];
        description = "The capabilities the devices must have, such as `gpu`.";
      };
      count =
        optional (types.either types.int (types.enum [ "all" ]))
          "How many devices, or `all`; exclusive with {option}`deviceIds`."
          "all";
      deviceIds = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "0" ];
        description = "The devices, by id.";
      };
      driver = optional types.str "The device driver." "nvidia";
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
        khepriLib.sparseSubmodule {
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

  swarmOnly =
    key:
    mkOption {
      type = types.nullOr types.anything;
      default = null;
      description = ''
        Swarm only: khepri warns that it has no effect.
        ${deployDoc key}
      '';
    };
in
{
  options = {
    cpus = optional cpus ''
      How many CPUs the container may use, as a number or a string (`--cpus`).
      ${doc "cpus"}
    '' 1.5;
    cpuShares = int 512 "cpu_shares" "The container's relative CPU weight (`--cpu-shares`).";
    cpuPeriod = int 100000 "cpu_period" "The CFS scheduler period in microseconds (`--cpu-period`).";
    cpuQuota = int 50000 "cpu_quota" "The CFS scheduler quota in microseconds (`--cpu-quota`).";
    cpuRtPeriod = option (types.either types.int types.str) "1s" "cpu_rt_period" ''
      The real-time scheduler period: microseconds, or a compose duration
      (`--cpu-rt-period`).
    '';
    cpuRtRuntime = option (types.either types.int types.str) "950ms" "cpu_rt_runtime" ''
      The real-time scheduler runtime: microseconds, or a compose duration
      (`--cpu-rt-runtime`).
    '';
    cpuset = option types.str "0-3" "cpuset" "The CPUs the container may run on (`--cpuset-cpus`).";
    memLimit = optional bytes ''
      The memory limit: bytes, or a compose byte size such as `512m` (`--memory`).
      ${doc "mem_limit"}
    '' "1g";
    memReservation = optional bytes ''
      The memory soft limit (`--memory-reservation`).
      ${doc "mem_reservation"}
    '' "256m";
    memSwappiness = int 0 "mem_swappiness" "How readily the kernel swaps the container's memory, 0 to 100 (`--memory-swappiness`).";
    memswapLimit = optional bytes ''
      Memory plus swap; `-1` is unlimited (`--memory-swap`).
      ${doc "memswap_limit"}
    '' "2g";
    oomKillDisable = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Whether the OOM killer spares the container (`--oom-kill-disable`).
        ${doc "oom_kill_disable"}
      '';
    };
    oomScoreAdj = int 500 "oom_score_adj" "The container's OOM score adjustment, -1000 to 1000 (`--oom-score-adj`).";
    pidsLimit = int 200 "pids_limit" "The maximum number of processes; `-1` is unlimited (`--pids-limit`).";
    blkioConfig = mkOption {
      type = sub {
        weight = optional types.int "The block IO weight, 10 to 1000 (`--blkio-weight`)." 300;
        weightDevice = mkOption {
          type = types.listOf (
            khepriLib.sparseSubmodule {
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
        ${doc "blkio_config"}
      '';
    };
    gpus = mkOption {
      type = khepriLib.khepriCoercedTo (types.enum [ "all" ]) (_: [ { count = "all"; } ]) (
        types.listOf deviceRequest
      );
      default = [ ];
      example = "all";
      description = ''
        GPUs: `"all"`, or a list of device requests. Docker gets `--gpus`; podman gets
        CDI devices (`nvidia.com/gpu=all`, `nvidia.com/gpu=<id>`), which need the NVIDIA
        container toolkit's CDI specification (`hardware.nvidia-container-toolkit.enable`).
        ${doc "gpus"}
      '';
    };
    deploy = mkOption {
      type = sub {
        resources = mkOption {
          type = sub {
            limits = mkOption {
              type = sub {
                cpus = optional cpus "How many CPUs the container may use (`--cpus`)." "0.5";
                memory = optional bytes "The memory limit (`--memory`)." "1g";
                pids = optional types.int "The maximum number of processes (`--pids-limit`)." 200;
              };
              default = null;
              description = "What the container may use at most.";
            };
            reservations = mkOption {
              type = sub {
                cpus = mkOption {
                  type = types.nullOr cpus;
                  default = null;
                  description = ''
                    CPUs to reserve. The engines have no such setting for a single
                    container: khepri warns that it has no effect.
                  '';
                };
                memory = optional bytes "The memory soft limit (`--memory-reservation`)." "256m";
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
              };
              default = null;
              description = "What the container is guaranteed.";
            };
          };
          default = null;
          description = ''
            Resource limits and reservations, the same settings as {option}`cpus`,
            {option}`memLimit`, {option}`pidsLimit`, {option}`memReservation` and
            {option}`gpus`; setting one in both places is an error.
            ${deployDoc "resources"}
          '';
        };
        restartPolicy = mkOption {
          type = sub {
            condition = optional types.str ''
              `none`, `on-failure` or `any` (default): systemd `Restart=` `no`, `on-failure`
              or `always`. Compose also takes the engines' `no`, `always` and
              `unless-stopped`, which is `always` under systemd, as for {option}`restart`.
            '' "on-failure";
            delay =
              optional types.str
                "The wait between restarts, a compose duration (`RestartSec=`)."
                "5s";
            maxAttempts =
              optional types.int
                "Restarts before giving up (`StartLimitBurst=`, the first start included)."
                3;
            window = optional types.str ''
              The time over which {option}`maxAttempts` are counted
              (`StartLimitIntervalSec=`); unset counts over the unit's life.
            '' "2m";
          };
          default = null;
          description = ''
            The restart policy, applied by systemd like {option}`restart`, which it replaces
            when both are set, as in compose (with a warning).
            ${deployDoc "restart_policy"}
          '';
        };
        mode = swarmOnly "mode";
        labels = swarmOnly "labels";
        placement = swarmOnly "placement";
        updateConfig = swarmOnly "update_config";
        rollbackConfig = swarmOnly "rollback_config";
        endpointMode = swarmOnly "endpoint_mode";
      };
      default = null;
      example = {
        resources.limits.memory = "1g";
        restartPolicy.condition = "on-failure";
      };
      description = ''
        Deployment settings. `resources` and `restartPolicy` apply to the container;
        swarm's settings give a warning.
        ${doc "deploy"}
      '';
    };
  };
}
