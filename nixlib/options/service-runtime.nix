# A service's run settings: the compose keys that become an oci-containers option or a
# `docker run` / `podman run` flag on its container, and the keys khepri rejects.
{ lib, khepriLib }:
let
  inherit (lib) mkOption types;
  inherit (khepriLib) composeScalar numberOrStr optional strOrList;
  doc = khepriLib.composeDoc "services";
  option = khepriLib.composeOptional "services";

  str = option types.str;

  # Keys khepri never runs: an option each, so that using one gives the reason (from the
  # plugin's error diagnostic) instead of "option does not exist".
  rejected = {
    develop = "compose watch is a development tool, not a way to run a service";
    extends = "Nix merging replaces it: `//`, `lib.recursiveUpdate` or a shared let binding";
    provider = "service providers are a Docker Desktop feature";
    models = "models need Docker Model Runner";
    credentialSpec = "credential specs are for Windows containers";
    isolation = "isolation technologies are for Windows containers";
    cpuCount = "CPU counts are for Windows containers: use `cpus`";
    cpuPercent = "CPU percentages are for Windows containers: use `cpus`";
  };
  # The compose key of a rejected option, for its link: cpuCount is cpu_count.
  composeKey =
    name:
    lib.concatMapStrings (c: if lib.toLower c != c then "_" + lib.toLower c else c) (
      lib.stringToCharacters name
    );
in
{
  options = {
    hostname = str "paperless" "hostname" ''
      The container's host name (oci-containers `hostname`).
    '';
    domainname = str "example.org" "domainname" ''
      The container's NIS domain name (`--domainname`). Docker only: podman has no such
      flag, so khepri reports an error there; set a fully qualified {option}`hostname`.
    '';
    user = str "1000:1000" "user" ''
      The user (and group) the container runs as, `user[:group]` by name or id
      (oci-containers `user`).
    '';
    workingDir = str "/app" "working_dir" ''
      The working directory of the container's command (oci-containers `workdir`).
    '';
    groupAdd = mkOption {
      type = types.listOf numberOrStr;
      default = [ ];
      example = [
        "video"
        1001
      ];
      description = ''
        Further groups, by name or id, of the container's user (`--group-add`).
        ${doc "group_add"}
      '';
    };
    privileged = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Whether the container gets every capability and device of the host
        (oci-containers `privileged`).
        ${doc "privileged"}
      '';
    };
    readOnly = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Whether the container's root file system is mounted read-only (`--read-only`).
        ${doc "read_only"}
      '';
    };
    init = option types.bool true "init" ''
      Whether an init process runs as PID 1, forwarding signals and reaping zombies
      (`--init`); null keeps the engine's default.
    '';
    stopSignal = str "SIGQUIT" "stop_signal" ''
      The signal that stops the container (`--stop-signal`).
    '';
    stopGracePeriod = str "1m30s" "stop_grace_period" ''
      How long a stop waits for the container to exit before killing it, a compose
      duration such as `10s` or `1m30s` (`--stop-timeout`, in whole seconds, rounded up).
      khepri also sets the unit's `TimeoutStopSec` to the period plus 30 seconds, so that
      systemd does not kill the stop first. Unset, the engines wait 10 seconds, as compose.
    '';
    tmpfs = mkOption {
      type = strOrList;
      default = [ ];
      example = [ "/run:size=64m,mode=1777" ];
      description = ''
        tmpfs mounts, `path[:options]`, as a string or a list (`--tmpfs`).
        ${doc "tmpfs"}
      '';
    };
    shmSize = option (types.either types.int types.str) "256m" "shm_size" ''
      The size of `/dev/shm`: bytes, or a compose byte size such as `64m` or `1gb`
      (`--shm-size`).
    '';
    sysctls = mkOption {
      type = types.either (types.listOf types.str) (types.attrsOf composeScalar);
      default = { };
      example = {
        "net.core.somaxconn" = 1024;
      };
      description = ''
        Kernel parameters of the container, as a list of `name=value` or an attribute set
        (`--sysctl`).
        ${doc "sysctls"}
      '';
    };
    ulimits = mkOption {
      type = types.attrsOf (
        khepriLib.khepriCoercedTo types.int
          (n: {
            soft = n;
            hard = n;
          })
          (
            khepriLib.sparseSubmodule {
              options = {
                soft = mkOption {
                  type = types.int;
                  description = "The soft limit.";
                };
                hard = mkOption {
                  type = types.int;
                  description = "The hard limit.";
                };
              };
            }
          )
      );
      default = { };
      example = {
        nproc = 65535;
        nofile = {
          soft = 20000;
          hard = 40000;
        };
      };
      description = ''
        Resource limits by name: one number for both limits, or `{ soft; hard; }`
        (`--ulimit name=soft:hard`).
        ${doc "ulimits"}
      '';
    };
    securityOpt = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "no-new-privileges:true" ];
      description = ''
        Security options, such as `label=disable`, `seccomp=unconfined` or
        `no-new-privileges:true` (`--security-opt`).
        ${doc "security_opt"}
      '';
    };
    ipc = str "shareable" "ipc" ''
      The IPC namespace: `private`, `shareable`, `host`, `none`, `container:<name>`, or
      `service:<name>` for a service of the composition, whose container then starts first
      (`--ipc`).
    '';
    pid = str "host" "pid" ''
      The PID namespace: `host`, `container:<name>`, or `service:<name>` for a service of
      the composition, whose container then starts first (`--pid`).
    '';
    uts = str "host" "uts" ''
      The UTS namespace: `host` (`--uts`).
    '';
    usernsMode = str "host" "userns_mode" ''
      The user namespace (`--userns`), such as `host`; podman also takes `auto`,
      `keep-id` and `nomap`.
    '';
    cgroup = str "private" "cgroup" ''
      The cgroup namespace: `host` or `private` (`--cgroupns`).
    '';
    cgroupParent = str "machine.slice" "cgroup_parent" ''
      The parent cgroup of the container (`--cgroup-parent`).
    '';
    networkMode = str "service:vpn" "network_mode" ''
      The network stack: `host`, `none`, `bridge`, `container:<name>`, or
      `service:<name>` to share the network of a service of the composition (whose
      container then starts first) (`--network`). It excludes {option}`networks` and
      {option}`ports`, and such a service does not join the default network.
    '';
    links = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "db:database" ];
      description = ''
        Legacy links to services of the composition, `service[:alias]`: the linked
        service starts first and answers to the alias (`--link`). Network aliases are the
        modern way. Podman has no links: there a link only orders the start, and a link
        with an alias other than the service name is an error.
        ${doc "links"}
      '';
    };
    externalLinks = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "redis_1:redis" ];
      description = ''
        Legacy links to containers outside the composition, `container[:alias]`
        (`--link`). Docker only.
        ${doc "external_links"}
      '';
    };
    volumesFrom = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [
        "app"
        "container:backup:ro"
      ];
      description = ''
        Mounts every volume of a service of the composition (`name` or
        `service:name`, which then starts first) or of a container (`container:name`),
        with an optional `:ro` or `:rw` (`--volumes-from`).
        ${doc "volumes_from"}
      '';
    };
    runtime = str "runc" "runtime" ''
      The OCI runtime (docker `--runtime`; podman's global `--runtime` flag).
    '';
    platform = str "linux/arm64" "platform" ''
      The platform of the image to pull and run, `os/arch[/variant]` (`--platform`).
    '';
    pullPolicy = str "always" "pull_policy" ''
      When the engine pulls the image: `always`, `missing` (or `if_not_present`),
      `never`, or `newer` (podman only) (oci-containers `pull`). Unset keeps
      oci-containers' `missing`. `build`, `daily`, `weekly`, `every_<duration>` and
      `refresh` are errors: khepri builds no images and runs no pull timers.
    '';
    logging = mkOption {
      type = types.nullOr (
        khepriLib.sparseSubmodule {
          options = {
            driver =
              optional types.str
                "The log driver; unset keeps NixOS's `journald`."
                "json-file";
            options = mkOption {
              type = types.attrsOf composeScalar;
              default = { };
              example = {
                max-size = "10m";
              };
              description = "Options of the log driver (`--log-opt`).";
            };
          };
        }
      );
      default = null;
      example = {
        driver = "json-file";
        options.max-size = "10m";
      };
      description = ''
        The log driver (oci-containers `log-driver`) and its options (`--log-opt`).
        Unlike compose, whose default is the engine's (`json-file`), an unset driver keeps
        NixOS's `journald`, so logs go to the journal.
        ${doc "logging"}
      '';
    };
    stdinOpen = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Whether the container's stdin stays open (`--interactive`).
        ${doc "stdin_open"}
      '';
    };
    tty = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Whether the container gets a terminal (`--tty`). A systemd unit has no terminal
        to attach, so this only changes what the process sees; its output still reaches
        the log driver.
        ${doc "tty"}
      '';
    };
    deviceCgroupRules = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "c 189:* rmw" ];
      description = ''
        Rules of the container's device cgroup, `type major:minor access`
        (`--device-cgroup-rule`).
        ${doc "device_cgroup_rules"}
      '';
    };
    annotations = mkOption {
      type = types.either (types.listOf types.str) (types.attrsOf composeScalar);
      default = { };
      example = {
        "com.example.owner" = "ops";
      };
      description = ''
        OCI annotations, as a list of `key=value` or an attribute set (`--annotation`;
        docker 24 or newer).
        ${doc "annotations"}
      '';
    };
    labelFile = mkOption {
      type = strOrList;
      default = [ ];
      example = [ "/etc/khepri/web.labels" ];
      description = ''
        Absolute paths of files of `key=value` labels, read when the container is
        created (`--label-file`).
        ${doc "label_file"}
      '';
    };
    dns = mkOption {
      type = strOrList;
      default = [ ];
      example = [ "9.9.9.9" ];
      description = ''
        DNS servers of the container, a string or a list (`--dns`).
        ${doc "dns"}
      '';
    };
    dnsOpt = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "use-vc" ];
      description = ''
        Resolver options (`--dns-option`).
        ${doc "dns_opt"}
      '';
    };
    dnsSearch = mkOption {
      type = strOrList;
      default = [ ];
      example = [ "example.org" ];
      description = ''
        DNS search domains, a string or a list (`--dns-search`).
        ${doc "dns_search"}
      '';
    };
    macAddress = str "02:42:ac:11:65:43" "mac_address" ''
      The container's MAC address (`--mac-address`).
    '';
    storageOpt = mkOption {
      type = types.attrsOf types.str;
      default = { };
      example = {
        size = "20G";
      };
      description = ''
        Storage driver options of the container (`--storage-opt`). Docker only: khepri
        reports an error on podman.
        ${doc "storage_opt"}
      '';
    };
    expose = mkOption {
      type = types.listOf numberOrStr;
      default = [ ];
      example = [
        3000
        "8000-8010/udp"
      ];
      description = ''
        Ports the container listens on, without publishing them, `port[-end][/protocol]`
        (`--expose`).
        ${doc "expose"}
      '';
    };
    attach = mkOption {
      type = types.nullOr types.bool;
      default = null;
      description = ''
        Whether compose's CLI shows the service's output. Under systemd the output goes
        to the log driver, so khepri warns that it has no effect.
        ${doc "attach"}
      '';
    };
    useApiSocket = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Whether the docker engine's socket is bind-mounted at `/var/run/docker.sock`,
        giving the container control of the engine (with a warning). Unlike compose,
        khepri mounts no CLI credentials. Docker only: an error on podman.
        ${doc "use_api_socket"}
      '';
    };
  }
  // lib.mapAttrs (
    name: reason:
    mkOption {
      type = types.nullOr types.anything;
      default = null;
      description = ''
        Not supported: ${reason}. Setting it is an error.
        ${doc (composeKey name)}
      '';
    }
  ) rejected;
}
