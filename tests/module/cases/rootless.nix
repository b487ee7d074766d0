# Rootless podman: a composition with podman.user runs its containers, and the units that
# create its networks and volumes, as that user, after the user's manager; what the host
# must give the user (uid, subordinate ids, lingering, low ports) is checked.
{
  lib,
  pkgs,
  khepri,
  evalHost,
  failedAssertions,
  ...
}:
let
  alice = {
    isNormalUser = true;
    uid = 1500;
  };
  paperless = {
    podman.user = "alice";
    networks.proxy.name = "proxy_net";
    volumes = [ "pgdata" ];
    services.db = {
      image = "docker.io/library/postgres:15";
      volumes = [ "pgdata:/var/lib/postgresql/data:rw" ];
    };
    services.web = {
      image = "ghcr.io/paperless-ngx/paperless-ngx:latest";
      dependsOn = [ "db" ];
      networks = [
        "default"
        "proxy"
      ];
      ports = [ "8000:8000/tcp" ];
    };
  };
  caddy = {
    podman.user = "alice";
    networks.proxy_net.external = true;
    services.caddy = {
      image = "docker.io/library/caddy:2";
      networks = [ "proxy_net" ];
      ports = [ "8443:443/tcp" ];
    };
  };
  host =
    modules:
    evalHost (
      [
        {
          virtualisation.oci-containers.backend = "podman";
          users.users.alice = alice;
        }
      ]
      ++ modules
    );
  stack = host [ { khepri.compositions = { inherit paperless caddy; }; } ];
  unitsOf = config: config.systemd.services;
  userOf = unit: {
    inherit (unit.serviceConfig) User Environment;
    inherit (unit) after requires;
  };
in
{
  "test: a rootless composition runs its containers as the user" = {
    expr = lib.mapAttrs (_: c: c.podman.user) stack.virtualisation.oci-containers.containers;
    expected = {
      caddy-caddy = "alice";
      paperless-db = "alice";
      paperless-web = "alice";
    };
  };
  "test: a rootless composition's resources unit runs podman as the user, after the user's manager" =
    {
      expr = lib.mapAttrs (_: userOf) (
        lib.filterAttrs (n: _: lib.hasPrefix "khepri-" n) (unitsOf stack)
      );
      expected =
        let
          asAlice = {
            User = "alice";
            Environment = "XDG_RUNTIME_DIR=/run/user/1500";
            after = [ "user@1500.service" ];
            requires = [ "user@1500.service" ];
          };
        in
        {
          khepri-paperless-resources = asAlice;
        };
    };
  "test: a rootless container waits for the user's manager and for what it uses" = {
    expr = {
      inherit ((unitsOf stack).podman-caddy-caddy) wants after requires;
    };
    expected = {
      # oci-containers' own: the image is pulled, and lingering is turned on first.
      wants = [
        "network-online.target"
        "linger-users.service"
      ];
      after = [
        "network-online.target"
        "linger-users.service"
        "khepri-paperless-resources.service"
        "user@1500.service"
      ];
      requires = [
        "khepri-paperless-resources.service"
        "user@1500.service"
      ];
    };
  };
  "test: a rootless container's unit runs podman as the user, in a delegated cgroup, once the user's runtime directory is mounted" =
    {
      expr =
        let
          unit = (unitsOf stack).podman-caddy-caddy;
        in
        {
          inherit (unit.serviceConfig) User Delegate RuntimeDirectory;
          inherit (unit.environment) HOME;
          inherit (unit.unitConfig) RequiresMountsFor;
        };
      expected = {
        User = "alice";
        Delegate = "true";
        RuntimeDirectory = "caddy-caddy";
        HOME = "/home/alice";
        RequiresMountsFor = "/run/user/1500/containers";
      };
    };
  # oci-containers warns about every rootless container that runs with `--sdnotify=conmon`
  # while its user lingers; khepri's units delegate their cgroup against the hang it
  # warns of (README: Rootless podman).
  "test: a rootless composition's user lingers, the host passes every check, and oci-containers warns of conmon with lingering" =
    {
      expr = {
        inherit (stack.users.users.alice) linger;
        failed = failedAssertions stack;
        inherit (stack) warnings;
      };
      expected = {
        linger = true;
        failed = [ ];
        warnings = [
          "Podman container caddy-caddy is configured as rootless (user alice)\nwith `--sdnotify=conmon`, but lingering for this user is turned on.\n"
          "Podman container paperless-db is configured as rootless (user alice)\nwith `--sdnotify=conmon`, but lingering for this user is turned on.\n"
          "Podman container paperless-web is configured as rootless (user alice)\nwith `--sdnotify=conmon`, but lingering for this user is turned on.\n"
        ];
      };
    };
  "test: a host-level network is created in the rootless user's podman too, once" = {
    expr =
      let
        config = host [
          {
            khepri.networks = [ "edge" ];
            khepri.compositions = {
              one = onEdge;
              two = onEdge;
            };
          }
        ];
        onEdge = {
          podman.user = "alice";
          networks.edge.external = true;
          services.web = {
            image = "example/web:1";
            networks = [ "edge" ];
          };
        };
        units = lib.filterAttrs (
          n: _: lib.hasPrefix "khepri-network-edge" n
        ) config.systemd.services;
      in
      {
        users = lib.mapAttrs (_: u: u.serviceConfig.User or "root") units;
        one = config.systemd.services.podman-one-web.requires;
        two = config.systemd.services.podman-two-web.requires;
      };
    expected = {
      users = {
        khepri-network-edge = "root";
        khepri-network-edge-as-alice = "alice";
      };
      one = [
        "khepri-network-edge-as-alice.service"
        "user@1500.service"
      ];
      two = [
        "khepri-network-edge-as-alice.service"
        "user@1500.service"
      ];
    };
  };
  "test: a user kept from lingering is warned about" = {
    expr =
      (host [
        {
          khepri.compositions = { inherit paperless caddy; };
          users.users.alice.linger = false;
        }
      ]).warnings;
    expected = [
      "khepri.compositions.caddy.podman.user: users.users.alice.linger is false, so alice's manager, and the rootless compositions with it (caddy, paperless), stop when alice's last session ends."
    ];
  };
  "test: a rootless user needs a static uid" = {
    expr = failedAssertions (evalHost [
      {
        virtualisation.oci-containers.backend = "podman";
        users.users.bob.isNormalUser = true;
        khepri.compositions.app = {
          podman.user = "bob";
          services.web.image = "example/web:1";
        };
      }
    ]);
    expected = [
      "khepri.compositions.app.podman.uid: the composition runs as bob, whose podman keeps its state in /run/user/<uid>: give bob a static uid, users.users.bob.uid (with lib.expand, set podman.uid)"
    ];
  };
  "test: a rootless user needs subordinate ids" = {
    expr = failedAssertions (evalHost [
      {
        virtualisation.oci-containers.backend = "podman";
        users.users.svc.uid = 990;
        khepri.compositions.app = {
          podman.user = "svc";
          services.web.image = "example/web:1";
        };
      }
    ]);
    expected = [
      "khepri.compositions.app.podman.user: svc has no subordinate uid and gid ranges, to which rootless podman maps the containers' users: make svc a normal user (users.users.svc.isNormalUser = true) or set users.users.svc.autoSubUidGidRange = true."
    ];
  };
  "test: a rootless container cannot publish a privileged port" = {
    expr = failedAssertions (host [
      {
        khepri.compositions.caddy = caddy // {
          services.caddy = caddy.services.caddy // {
            ports = [
              "80:80/tcp"
              "127.0.0.1:443:443/tcp"
              "[::1]:1024-1030:8000/tcp"
              "9000/udp"
            ];
          };
        };
        khepri.compositions.paperless = paperless;
      }
    ]);
    expected = [
      "khepri.compositions.caddy.services.caddy.ports[0]: 80:80/tcp publishes a host port below 1024, which rootless podman (as alice) cannot bind: publish a port from 1024 up, lower boot.kernel.sysctl.\"net.ipv4.ip_unprivileged_port_start\", or run the composition rootful."
      "khepri.compositions.caddy.services.caddy.ports[1]: 127.0.0.1:443:443/tcp publishes a host port below 1024, which rootless podman (as alice) cannot bind: publish a port from 1024 up, lower boot.kernel.sysctl.\"net.ipv4.ip_unprivileged_port_start\", or run the composition rootful."
    ];
  };
  "test: a scaled rootless service is told about a privileged port once" = {
    expr = failedAssertions (host [
      {
        khepri.compositions.web = {
          podman.user = "alice";
          services.app = {
            image = "example/app:1";
            scale = 2;
            ports = [ "80-81:80/tcp" ];
          };
        };
      }
    ]);
    expected = [
      "khepri.compositions.web.services.app.ports[0]: 80-81:80/tcp publishes a host port below 1024, which rootless podman (as alice) cannot bind: publish a port from 1024 up, lower boot.kernel.sysctl.\"net.ipv4.ip_unprivileged_port_start\", or run the composition rootful."
    ];
  };
  "test: a lowered unprivileged port start lets a rootless container publish it" = {
    expr = failedAssertions (host [
      {
        boot.kernel.sysctl."net.ipv4.ip_unprivileged_port_start" = 80;
        khepri.compositions.caddy = caddy // {
          services.caddy = caddy.services.caddy // {
            ports = [ "80:80/tcp" ];
          };
        };
        khepri.compositions.paperless = paperless;
      }
    ]);
    expected = [ ];
  };
  "test: rootless needs the podman backend" = {
    expr = failedAssertions (evalHost [
      {
        virtualisation.oci-containers.backend = "docker";
        users.users.alice = alice;
        khepri.compositions = { inherit paperless caddy; };
      }
    ]);
    expected =
      map
        (
          c:
          "khepri.compositions.${c}.podman.user: rootless containers need the podman backend: with docker every container runs in the docker daemon; remove podman.user or set virtualisation.oci-containers.backend = \"podman\""
        )
        [
          "caddy"
          "paperless"
        ];
  };
  "test: a khepri container given another user than its composition's is refused" = {
    expr = failedAssertions (evalHost [
      {
        virtualisation.oci-containers.backend = "podman";
        khepri.compositions.app.services.web.image = "example/web:1";
        virtualisation.oci-containers.containers.app-web.podman.user = "alice";
      }
    ]);
    expected = [
      "virtualisation.oci-containers.containers.app-web.podman.user: composition app runs as root; set the user in khepri.compositions.app.podman.user, so that the unit creating its networks and volumes runs as the same user."
    ];
  };
  "test: an expansion for another uid than the host's user is refused" = {
    expr = failedAssertions (host [
      ((import ../../../nixlib { inherit lib; }).expand {
        inherit pkgs;
        backend = "podman";
        package = khepri;
        compositions.app = {
          podman = {
            user = "alice";
            uid = 1501;
          };
          services.web.image = "example/web:1";
        };
      }).nixosModule
    ]);
    expected = [
      "khepri.compositions.app.podman.uid: the composition was expanded for uid 1501, but users.users.alice.uid is 1500; its units need the user's own /run/user/<uid>."
    ];
  };
  "test: the manifest names a rootless composition's user, for the khepri command" = {
    expr =
      let
        manifest = builtins.fromJSON (
          (host [
            {
              khepri.compositions = {
                inherit paperless;
                rootful.services.web.image = "example/web:1";
              };
            }
          ]).environment.etc."khepri/manifest.json".text
        );
      in
      lib.mapAttrs (_: c: { inherit (c) user uid; }) (
        lib.filterAttrs (_: c: c ? user) manifest.compositions
      );
    expected.paperless = {
      user = "alice";
      uid = 1500;
    };
  };
  "test: rootful podman containers pass" = {
    expr = failedAssertions (evalHost [
      {
        virtualisation.oci-containers.backend = "podman";
        khepri.compositions.app.services.web.image = "example/web:1";
      }
    ]);
    expected = [ ];
  };
}
