# khepri.cli: the command is installed, and the manifest it reads is written from the
# expansion (host/manifest reads the same format).
{ evalHost, ... }:
let
  # A stand-in package: the module tier never builds the real one for the host.
  cliPackage = derivation {
    name = "khepri-cli-stand-in";
    system = "x86_64-linux";
    builder = "/bin/false";
  };

  hostWith =
    backend: modules:
    evalHost (
      [
        {
          virtualisation.oci-containers.backend = backend;
          khepri.cli.package = cliPackage;
        }
        ../../../examples/paperless.nix
      ]
      ++ modules
    );
  manifestOf = host: builtins.fromJSON host.environment.etc."khepri/manifest.json".text;

  docker = manifestOf (hostWith "docker" [ ]);
  podman = manifestOf (hostWith "podman" [ ]);
  two = manifestOf (
    hostWith "docker" [
      {
        khepri.compositions.hello.services.server = {
          image = "example/server:1";
          volumes = [
            "/srv/www:/www:ro"
            "cache:/cache"
          ];
        };
        khepri.compositions.hello.volumes = [ "cache" ];
      }
    ]
  );
  disabled = hostWith "docker" [ { khepri.cli.enable = false; } ];

  # A scaled service, two network modes and a long-syntax volume: the manifest lists
  # every replica, and only the networks the containers join and the named volumes.
  edgeOn =
    backend:
    (manifestOf (
      hostWith backend [
        {
          khepri.compositions.edge = {
            volumes = [ "data" ];
            services = {
              app = {
                image = "example/app:1";
                scale = 2;
                volumes = [
                  {
                    type = "volume";
                    source = "data";
                    # The comma makes the plugin quote the field.
                    target = "/srv/a,b";
                    readOnly = true;
                  }
                ];
              };
              monitor = {
                image = "example/monitor:1";
                networkMode = "host";
              };
              sidecar = {
                image = "example/sidecar:1";
                networkMode = "container:vpn-gateway";
              };
            };
          };
        }
      ]
    )).compositions.edge;
  edge = edgeOn "docker";
  edgePodman = edgeOn "podman";

  # What the manifest records for edge on a backend: only the units' prefix differs.
  edgeExpected =
    backend:
    let
      # A service that joins no network and mounts nothing.
      alone = service: image: {
        containers = [
          {
            container = "edge-${service}";
            unit = "${backend}-edge-${service}.service";
          }
        ];
        inherit image;
        ports = [ ];
        networks = [ ];
        volumes = [ ];
      };
    in
    {
      target = "khepri-edge.target";
      units = [
        "khepri-edge-resources.service"
      ];
      networks = [ "edge_default" ];
      volumes = [ "edge_data" ];
      services = {
        app = {
          containers = [
            {
              container = "edge-app-1";
              unit = "${backend}-edge-app-1.service";
            }
            {
              container = "edge-app-2";
              unit = "${backend}-edge-app-2.service";
            }
          ];
          image = "example/app:1";
          ports = [ ];
          networks = [ "edge_default" ];
          volumes = [ "type=volume,source=edge_data,\"target=/srv/a,b\",readonly=true" ];
        };
        monitor = alone "monitor" "example/monitor:1";
        sidecar = alone "sidecar" "example/sidecar:1";
      };
    };
in
{
  "test: the command is installed by default" = {
    expr = map (p: p.name) (hostWith "docker" [ ]).environment.systemPackages;
    expected = [ "khepri-cli-stand-in" ];
  };
  "test: cli.enable = false installs nothing and writes no manifest" = {
    expr = {
      packages = disabled.environment.systemPackages;
      etc = builtins.attrNames disabled.environment.etc;
    };
    expected = {
      packages = [ ];
      etc = [ ];
    };
  };
  "test: the manifest records the format version and the backend" = {
    expr = {
      inherit (docker) version backend;
      compositions = builtins.attrNames docker.compositions;
    };
    expected = {
      version = 3;
      backend = "docker";
      compositions = [ "paperless" ];
    };
  };
  "test: a composition records its target, khepri's own units, networks and volumes" = {
    expr = removeAttrs docker.compositions.paperless [ "services" ];
    expected = {
      target = "khepri-paperless.target";
      units = [
        "khepri-paperless-resources.service"
      ];
      networks = [
        "paperless_paperless"
        "proxy_net"
      ];
      volumes = [
        "paperless_data"
        "paperless_documents"
        "paperless_pgdata"
        "paperless_redisdata"
      ];
    };
  };
  "test: a service records its containers and units, image, ports, networks and mounts" = {
    expr = docker.compositions.paperless.services.webserver;
    expected = {
      containers = [
        {
          container = "paperless_web";
          unit = "docker-paperless_web.service";
        }
      ];
      image = "ghcr.io/paperless-ngx/paperless-ngx:latest";
      ports = [ "8000:8000/tcp" ];
      networks = [
        "paperless_paperless"
        "proxy_net"
      ];
      volumes = [
        "paperless_documents:/usr/src/paperless/media:rw"
        "paperless_data:/usr/src/paperless/data:rw"
      ];
    };
  };
  "test: the Go command's test manifest is what the module writes for the paperless example" = {
    # Compared whole, so that a difference is shown rather than false.
    expr = docker;
    expected = builtins.fromJSON (builtins.readFile ../../../host/testdata/paperless.manifest.json);
  };
  "test: every service of the composition is recorded under its compose name" = {
    expr = builtins.attrNames docker.compositions.paperless.services;
    expected = [
      "broker"
      "db"
      "gotenberg"
      "tika"
      "webserver"
    ];
  };
  "test: on podman the units and the network names follow podman's forms" = {
    expr = {
      inherit (podman) backend;
      inherit (podman.compositions.paperless.services.webserver) containers networks;
    };
    expected = {
      backend = "podman";
      containers = [
        {
          container = "paperless_web";
          unit = "podman-paperless_web.service";
        }
      ];
      networks = [
        "paperless_paperless"
        "proxy_net"
      ];
    };
  };
  "test: compositions are kept apart, and bind mounts are not volumes" = {
    expr = {
      compositions = builtins.attrNames two.compositions;
      inherit (two.compositions.hello) target volumes networks;
      services = builtins.attrNames two.compositions.hello.services;
    };
    expected = {
      compositions = [
        "hello"
        "paperless"
      ];
      target = "khepri-hello.target";
      volumes = [ "hello_cache" ];
      networks = [ "hello_default" ];
      services = [ "server" ];
    };
  };
  "test: a scaled service records every replica, in compose's numbering" = {
    expr = edge.services.app;
    expected = (edgeExpected "docker").services.app;
  };
  "test: network_mode host joins no network, and host is not one" = {
    expr = edge.services.monitor;
    expected = (edgeExpected "docker").services.monitor;
  };
  "test: network_mode container: joins no network, and container is not one" = {
    expr = edge.services.sidecar;
    expected = (edgeExpected "docker").services.sidecar;
  };
  "test: a long-syntax volume is a named volume; network modes add no networks" = {
    expr = removeAttrs edge [ "services" ];
    expected = removeAttrs (edgeExpected "docker") [ "services" ];
  };
  "test: on podman, network modes and long-syntax volumes read the same" = {
    expr = edgePodman;
    expected = edgeExpected "podman";
  };
}
