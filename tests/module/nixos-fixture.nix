# The NixOS options khepri's module writes into, declared with nixpkgs' names and types,
# plus the part of oci-containers that khepri must win over (its units' Restart=always).
# The module tier runs with the nixpkgs library only, not with NixOS itself.
{
  config,
  lib,
  pkgs,
  ...
}:
let
  inherit (lib) mkOption types;
  cfg = config.virtualisation.oci-containers;

  # nixpkgs' systemd unit option: equal definitions merge, different ones conflict
  # unless one has a higher priority.
  unitOption = types.oneOf [
    types.bool
    types.int
    types.str
    types.path
    (types.listOf types.str)
  ];
  unitList = mkOption {
    type = types.listOf types.str;
    default = [ ];
  };
  unit = {
    options = {
      description = mkOption {
        type = types.str;
        default = "";
      };
      after = unitList;
      before = unitList;
      requires = unitList;
      wants = unitList;
      partOf = unitList;
      wantedBy = unitList;
      unitConfig = mkOption {
        type = types.attrsOf unitOption;
        default = { };
      };
    };
  };
  service = {
    imports = [ unit ];
    options = {
      script = mkOption {
        type = types.lines;
        default = "";
      };
      preStart = mkOption {
        type = types.lines;
        default = "";
      };
      preStop = mkOption {
        type = types.lines;
        default = "";
      };
      postStart = mkOption {
        type = types.lines;
        default = "";
      };
      path = mkOption {
        type = types.listOf (types.either types.package types.str);
        default = [ ];
      };
      serviceConfig = mkOption {
        type = types.attrsOf unitOption;
        default = { };
      };
    };
  };

  container =
    { name, ... }:
    {
      config.podman = lib.mkIf (cfg.backend == "podman") { };
      options = {
        image = mkOption { type = types.str; };
        imageFile = mkOption {
          type = types.nullOr types.package;
          default = null;
        };
        imageStream = mkOption {
          type = types.nullOr types.package;
          default = null;
        };
        serviceName = mkOption {
          type = types.str;
          default = "${cfg.backend}-${name}";
        };
        cmd = mkOption {
          type = types.listOf types.str;
          default = [ ];
        };
        labels = mkOption {
          type = types.attrsOf types.str;
          default = { };
        };
        entrypoint = mkOption {
          type = types.nullOr types.str;
          default = null;
        };
        environment = mkOption {
          type = types.attrsOf types.str;
          default = { };
        };
        environmentFiles = mkOption {
          type = types.listOf types.path;
          default = [ ];
        };
        ports = mkOption {
          type = types.listOf types.str;
          default = [ ];
        };
        volumes = mkOption {
          type = types.listOf types.str;
          default = [ ];
        };
        capabilities = mkOption {
          type = types.lazyAttrsOf (types.nullOr types.bool);
          default = { };
        };
        devices = mkOption {
          type = types.listOf types.str;
          default = [ ];
        };
        extraOptions = mkOption {
          type = types.listOf types.str;
          default = [ ];
        };
        autoStart = mkOption {
          type = types.bool;
          default = true;
        };
        autoRemoveOnStop = mkOption {
          type = types.bool;
          default = true;
        };
        podman = mkOption {
          type = types.nullOr (
            types.submodule {
              options = {
                sdnotify = mkOption {
                  type = types.enum [
                    "conmon"
                    "healthy"
                    "container"
                  ];
                  default = "conmon";
                };
                user = mkOption {
                  type = types.str;
                  default = "root";
                };
              };
            }
          );
          default = null;
        };
        user = mkOption {
          type = types.nullOr types.str;
          default = null;
        };
        workdir = mkOption {
          type = types.nullOr types.str;
          default = null;
        };
        hostname = mkOption {
          type = types.nullOr types.str;
          default = null;
        };
        privileged = mkOption {
          type = types.bool;
          default = false;
        };
        pull = mkOption {
          type = types.enum [
            "always"
            "missing"
            "never"
            "newer"
          ];
          default = "missing";
        };
        log-driver = mkOption {
          type = types.str;
          default = "journald";
        };
        preRunExtraOptions = mkOption {
          type = types.listOf types.str;
          default = [ ];
        };
      };
    };
  # The part of users.users that rootless podman needs: a uid, subordinate ids (a
  # normal user gets a range), lingering.
  user =
    { config, ... }:
    {
      options = {
        uid = mkOption {
          type = types.nullOr types.int;
          default = null;
        };
        isNormalUser = mkOption {
          type = types.bool;
          default = false;
        };
        linger = mkOption {
          type = types.nullOr types.bool;
          default = null;
        };
        autoSubUidGidRange = mkOption {
          type = types.bool;
          default = false;
        };
        subUidRanges = mkOption {
          type = types.listOf types.attrs;
          default = [ ];
        };
        subGidRanges = mkOption {
          type = types.listOf types.attrs;
          default = [ ];
        };
      };
      config.autoSubUidGidRange = lib.mkIf (
        config.isNormalUser && config.subUidRanges == [ ] && config.subGidRanges == [ ]
      ) (lib.mkDefault true);
    };
in
{
  options = {
    assertions = mkOption {
      type = types.listOf types.unspecified;
      default = [ ];
    };
    warnings = mkOption {
      type = types.listOf types.str;
      default = [ ];
    };
    environment.systemPackages = mkOption {
      type = types.listOf types.package;
      default = [ ];
    };
    environment.etc = mkOption {
      type = types.attrsOf (
        types.submodule (
          { name, ... }:
          {
            options = {
              enable = mkOption {
                type = types.bool;
                default = true;
              };
              target = mkOption {
                type = types.str;
                default = name;
              };
              text = mkOption {
                type = types.nullOr types.lines;
                default = null;
              };
              mode = mkOption {
                type = types.str;
                default = "symlink";
              };
            };
          }
        )
      );
      default = { };
    };
    virtualisation.oci-containers = {
      backend = mkOption {
        type = types.enum [
          "podman"
          "docker"
        ];
        default = "podman";
      };
      containers = mkOption {
        type = types.attrsOf (types.submodule container);
        default = { };
      };
    };
    virtualisation.docker.package = mkOption {
      type = types.package;
      default = pkgs.docker;
    };
    virtualisation.podman.package = mkOption {
      type = types.package;
      default = pkgs.podman;
    };
    systemd.services = mkOption {
      type = types.attrsOf (types.submodule service);
      default = { };
    };
    systemd.targets = mkOption {
      type = types.attrsOf (types.submodule unit);
      default = { };
    };
    users.users = mkOption {
      type = types.attrsOf (types.submodule user);
      default = { };
    };
    boot.kernel.sysctl = mkOption {
      type = types.attrsOf (
        types.nullOr (
          types.oneOf [
            types.bool
            types.str
            types.int
          ]
        )
      );
      default = { };
    };
  };

  # What oci-containers' mkService defines that khepri's units meet.
  config.systemd.services = lib.mapAttrs' (
    name: c:
    lib.nameValuePair c.serviceName {
      wantedBy = lib.optional c.autoStart "multi-user.target";
      preStop =
        if cfg.backend == "podman" then
          "podman stop --ignore --cidfile=/run/${c.serviceName}.ctr-id"
        else
          "docker stop ${name} || true";
      after = lib.optionals (cfg.backend == "docker") [
        "docker.service"
        "docker.socket"
      ];
      serviceConfig = {
        TimeoutStartSec = 0;
        TimeoutStopSec = 120;
        Restart = "always";
      };
    }
  ) cfg.containers;
}
