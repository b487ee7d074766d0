# A service's run settings: the compose keys that become an oci-containers option or a
# `docker run` / `podman run` flag on its container, and the keys khepri rejects.
{ lib, helpers }:
let
  inherit (lib) mkOption types;
  inherit (helpers) composeScalar numberOrStr optional strOrList;

  # Keys khepri never runs: an option each, so that using one gives the reason (from the
  # plugin's error diagnostic) instead of "option does not exist". The reasons are the
  # plugin's and the importer's too.
  rejected = helpers.rejected.service;
in
{
  options = helpers.composeOptions { section = "services"; } (
    {
      hostname = optional {
        type = types.str;
        example = "paperless";
        description = ''
          The container's host name (oci-containers `hostname`).
        '';
      };
      domainname = optional {
        type = types.str;
        example = "example.org";
        description = ''
          The container's NIS domain name (`--domainname`). Docker only: podman has no such
          flag, so khepri reports an error there; set a fully qualified {option}`hostname`.
        '';
      };
      user = optional {
        type = types.str;
        example = "1000:1000";
        description = ''
          The user (and group) the container runs as, `user[:group]` by name or id
          (oci-containers `user`).
        '';
      };
      workingDir = optional {
        type = types.str;
        example = "/app";
        description = ''
          The working directory of the container's command (oci-containers `workdir`).
        '';
      };
      groupAdd = mkOption {
        type = types.listOf numberOrStr;
        default = [ ];
        example = [
          "video"
          1001
        ];
        description = ''
          Further groups, by name or id, of the container's user (`--group-add`).
        '';
      };
      privileged = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Whether the container gets every capability and device of the host
          (oci-containers `privileged`).
        '';
      };
      readOnly = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Whether the container's root file system is mounted read-only (`--read-only`).
        '';
      };
      init = optional {
        type = types.bool;
        example = true;
        description = ''
          Whether an init process runs as PID 1, forwarding signals and reaping zombies
          (`--init`); null keeps the engine's default.
        '';
      };
      stopSignal = optional {
        type = types.str;
        example = "SIGQUIT";
        description = ''
          The signal that stops the container (`--stop-signal`).
        '';
      };
      stopGracePeriod = optional {
        type = types.str;
        example = "1m30s";
        description = ''
          How long a stop waits for the container to exit before killing it, a compose
          duration such as `10s` or `1m30s` (`--stop-timeout`, in whole seconds, rounded up).
          khepri also sets the unit's `TimeoutStopSec` to the period plus 30 seconds, so that
          systemd does not kill the stop first. Unset, the engines wait 10 seconds, as compose.
        '';
      };
      tmpfs = mkOption {
        type = strOrList;
        default = [ ];
        example = [ "/run:size=64m,mode=1777" ];
        description = ''
          tmpfs mounts, `path[:options]`, as a string or a list (`--tmpfs`).
        '';
      };
      shmSize = optional {
        type = (types.either types.int types.str);
        example = "256m";
        description = ''
          The size of `/dev/shm`: bytes, or a compose byte size such as `64m` or `1gb`
          (`--shm-size`).
        '';
      };
      sysctls = mkOption {
        type = types.either (types.listOf types.str) (types.attrsOf composeScalar);
        default = { };
        example = {
          "net.core.somaxconn" = 1024;
        };
        description = ''
          Kernel parameters of the container, as a list of `name=value` or an attribute set
          (`--sysctl`).
        '';
      };
      ulimits = mkOption {
        type = helpers.ulimitsType;
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
        '';
      };
      securityOpt = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "no-new-privileges:true" ];
        description = ''
          Security options, such as `label=disable`, `seccomp=unconfined` or
          `no-new-privileges:true` (`--security-opt`).
        '';
      };
      ipc = optional {
        type = types.str;
        example = "shareable";
        description = ''
          The IPC namespace: `private`, `shareable`, `host`, `none`, `container:<name>`, or
          `service:<name>` for a service of the composition, whose container then starts first
          (`--ipc`).
        '';
      };
      pid = optional {
        type = types.str;
        example = "host";
        description = ''
          The PID namespace: `host`, `container:<name>`, or `service:<name>` for a service of
          the composition, whose container then starts first (`--pid`).
        '';
      };
      uts = optional {
        type = types.str;
        example = "host";
        description = ''
          The UTS namespace: `host` (`--uts`).
        '';
      };
      usernsMode = optional {
        type = types.str;
        example = "host";
        description = ''
          The user namespace (`--userns`), such as `host`; podman also takes `auto`,
          `keep-id` and `nomap`.
        '';
      };
      cgroup = optional {
        type = types.str;
        example = "private";
        description = ''
          The cgroup namespace: `host` or `private` (`--cgroupns`).
        '';
      };
      cgroupParent = optional {
        type = types.str;
        example = "machine.slice";
        description = ''
          The parent cgroup of the container (`--cgroup-parent`).
        '';
      };
      networkMode = optional {
        type = types.str;
        example = "service:vpn";
        description = ''
          The network stack: `host`, `none`, `bridge`, `container:<name>`, or
          `service:<name>` to share the network of a service of the composition (whose
          container then starts first) (`--network`). It excludes {option}`networks` and
          {option}`ports`, and such a service does not join the default network.
        '';
      };
      links = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "db:database" ];
        description = ''
          Legacy links to services of the composition, `service[:alias]`: the linked
          service starts first and answers to the alias (`--link`). Network aliases are the
          modern way. Podman has no links: there a link only orders the start, and a link
          with an alias other than the service name is an error.
        '';
      };
      externalLinks = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "redis_1:redis" ];
        description = ''
          Legacy links to containers outside the composition, `container[:alias]`
          (`--link`). Docker only.
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
        '';
      };
      runtime = optional {
        type = types.str;
        example = "runc";
        description = ''
          The OCI runtime (docker `--runtime`; podman's global `--runtime` flag).
        '';
      };
      platform = optional {
        type = types.str;
        example = "linux/arm64";
        description = ''
          The platform of the image to pull and run, `os/arch[/variant]` (`--platform`).
        '';
      };
      pullPolicy = optional {
        type = types.str;
        example = "daily";
        description = ''
          When the engine pulls the image: `always`, `missing` (or `if_not_present`),
          `never`, or `newer` (podman only) (oci-containers `pull`). Unset keeps
          oci-containers' `missing`; `build` is what a service with `build` does.
          On a schedule: `daily`, `weekly`, `every_<duration>` (whole numbers with units
          w, d, h, m, s: `every_12h`, `every_1w2d`) or `refresh` (every
          `pullRefreshAfter`): the first start pulls a missing image, and the timer
          `khepri-<composition>-pull.timer` pulls it again once the interval has passed,
          restarting the containers whose image changed. An error with `build`, an image
          derivation or `imageFetch = "nix"`, which have nothing to pull; an image the
          lock pins is never pulled again.
        '';
      };
      pullRefreshAfter = optional {
        type = types.str;
        example = "36h";
        description = ''
          The interval of `pullPolicy = "refresh"`: a duration with units w, d, h, m or s
          (`12h`, `2d`, `1w`). `refresh` needs it, and any other policy refuses it.
        '';
      };
      logging = mkOption {
        type = types.nullOr (
          helpers.sparseSubmodule {
            options = {
              driver = optional {
                type = types.str;
                example = "json-file";
                description = "The log driver; unset keeps NixOS's `journald`.";
              };
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
        '';
      };
      stdinOpen = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Whether the container's stdin stays open (`--interactive`).
        '';
      };
      tty = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Whether the container gets a terminal (`--tty`). A systemd unit has no terminal
          to attach, so this only changes what the process sees; its output still reaches
          the log driver.
        '';
      };
      deviceCgroupRules = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "c 189:* rmw" ];
        description = ''
          Rules of the container's device cgroup, `type major:minor access`
          (`--device-cgroup-rule`).
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
        '';
      };
      labelFile = mkOption {
        type = strOrList;
        default = [ ];
        example = [ "/etc/khepri/web.labels" ];
        description = ''
          Absolute paths of files of `key=value` labels, read when the container is
          created (`--label-file`).
        '';
      };
      dns = mkOption {
        type = strOrList;
        default = [ ];
        example = [ "9.9.9.9" ];
        description = ''
          DNS servers of the container, a string or a list (`--dns`).
        '';
      };
      dnsOpt = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "use-vc" ];
        description = ''
          Resolver options (`--dns-option`).
        '';
      };
      dnsSearch = mkOption {
        type = strOrList;
        default = [ ];
        example = [ "example.org" ];
        description = ''
          DNS search domains, a string or a list (`--dns-search`).
        '';
      };
      macAddress = optional {
        type = types.str;
        example = "02:42:ac:11:65:43";
        description = ''
          The container's MAC address (`--mac-address`).
        '';
      };
      storageOpt = mkOption {
        type = types.attrsOf types.str;
        default = { };
        example = {
          size = "20G";
        };
        description = ''
          Storage driver options of the container (`--storage-opt`). Docker only: khepri
          reports an error on podman.
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
        '';
      };
      attach = mkOption {
        type = types.nullOr types.bool;
        default = null;
        description = ''
          Whether compose's CLI shows the service's output. Under systemd the output goes
          to the log driver, so khepri warns that it has no effect.
        '';
      };
      useApiSocket = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Whether the docker engine's socket is bind-mounted at `/var/run/docker.sock`,
          giving the container control of the engine (with a warning). Unlike compose,
          khepri mounts no CLI credentials. Docker only: an error on podman.
        '';
      };
    }
    // helpers.refusedOptions rejected
  );
}
