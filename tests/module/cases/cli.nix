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
      version = 1;
      backend = "docker";
      compositions = [ "paperless" ];
    };
  };
  "test: a composition records its target, khepri's own units, networks and volumes" = {
    expr = removeAttrs docker.compositions.paperless [ "services" ];
    expected = {
      target = "khepri-paperless.target";
      units = [
        "khepri-paperless-network-paperless.service"
        "khepri-paperless-volume-data.service"
        "khepri-paperless-volume-documents.service"
        "khepri-paperless-volume-pgdata.service"
        "khepri-paperless-volume-redisdata.service"
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
  "test: a service records its container, unit, image, ports, networks and mounts" = {
    expr = docker.compositions.paperless.services.webserver;
    expected = {
      container = "paperless_web";
      unit = "docker-paperless_web.service";
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
    expr = docker == builtins.fromJSON (builtins.readFile ../../../host/testdata/paperless.manifest.json);
    expected = true;
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
      inherit (podman.compositions.paperless.services.webserver) unit networks;
    };
    expected = {
      backend = "podman";
      unit = "podman-paperless_web.service";
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
}
