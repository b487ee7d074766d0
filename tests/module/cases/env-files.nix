# Env files are read when the container starts, by `khepri env-file` in the unit's
# preStart, which writes what compose would pass into a file of the unit's runtime
# directory for the engine's --env-file.
{
  lib,
  pkgs,
  khepri,
  evalHost,
  ...
}:
let
  hostWith =
    backend: service:
    evalHost [
      {
        virtualisation.oci-containers.backend = backend;
        khepri.compositions.app.services = {
          web = {
            image = "example/web:1";
          }
          // service;
          plain.image = "example/plain:1";
        };
      }
    ];
  unitOf = host: name: host.systemd.services.${name};
  hasKhepri = builtins.filter (p: lib.hasSuffix "-khepri" (toString p));
  webPreStart = service: (unitOf (hostWith "docker" service) "docker-app-web").preStart;

  longForm = {
    environment.DB_HOST = "db";
    envFile = [
      "/run/secrets/web.env"
      {
        path = "/etc/web/local.env";
        required = false;
      }
      {
        path = "/etc/web/legacy.env";
        format = "raw";
      }
    ];
  };
  docker = hostWith "docker" longForm;
  podman = hostWith "podman" longForm;

  # A Nix path is copied to the store when the configuration is evaluated.
  nixPath = ../fixtures/secret-value;
  storeCopy = builtins.unsafeDiscardStringContext "${nixPath}";
  fromNixPath = hostWith "docker" { envFile = nixPath; };

  khepriLib = import ../../../nixlib { inherit lib; };
  viaLib = evalHost [
    (khepriLib.expand {
      inherit pkgs;
      backend = "docker";
      package = khepri;
      compositions.app.services.web = {
        image = "example/web:1";
        envFile = "/run/secrets/web.env";
      };
    }).nixosModule
    { virtualisation.oci-containers.backend = "docker"; }
  ];
in
{
  "test: envFile takes paths and compose's long syntax, written by khepri env-file before the start" =
    {
      expr = {
        inherit (docker.virtualisation.oci-containers.containers.app-web) environmentFiles;
        inherit (unitOf docker "docker-app-web") preStart;
        inherit ((unitOf docker "docker-app-web").serviceConfig) RuntimeDirectory;
        inherit (docker) warnings;
      };
      expected = {
        environmentFiles = [ "/run/khepri/app-web/env" ];
        preStart = ''
          khepri env-file --out /run/khepri/app-web/env --env 'DB_HOST=db' --file /run/secrets/web.env --optional-file /etc/web/local.env --raw-file /etc/web/legacy.env
        '';
        RuntimeDirectory = "khepri/app-web";
        warnings = [ ];
      };
    };
  "test: on podman the env file is written into oci-containers' own runtime directory" = {
    expr = {
      inherit (podman.virtualisation.oci-containers.containers.app-web) environmentFiles;
      inherit (unitOf podman "podman-app-web") preStart;
      # oci-containers' own, which khepri leaves as it is.
      runtimeDirectory = (unitOf podman "podman-app-web").serviceConfig.RuntimeDirectory;
    };
    expected = {
      environmentFiles = [ "/run/app-web/khepri.env" ];
      preStart = ''
        khepri env-file --out /run/app-web/khepri.env --env 'DB_HOST=db' --file /run/secrets/web.env --optional-file /etc/web/local.env --raw-file /etc/web/legacy.env
      '';
      runtimeDirectory = "app-web";
    };
  };
  "test: only the units of containers with env files get the khepri command on their PATH" = {
    expr = {
      # NixOS's default path follows; the khepri package is what differs.
      web = hasKhepri (unitOf docker "docker-app-web").path;
      plain = hasKhepri (unitOf docker "docker-app-plain").path;
      lib = hasKhepri (unitOf viaLib "docker-app-web").path;
    };
    expected = {
      web = [ docker.khepri.cli.package ];
      plain = [ ];
      lib = [ (pkgs.callPackage ../../../package.nix { }) ];
    };
  };
  "test: one path is the list of that path, as compose's env_file string is; environmentFiles is envFile" =
    {
      expr = map webPreStart [
        { envFile = "/run/secrets/web.env"; }
        { environmentFiles = [ { path = "/run/secrets/web.env"; } ]; }
      ];
      expected = lib.replicate 2 ''
        khepri env-file --out /run/khepri/app-web/env --file /run/secrets/web.env
      '';
    };
  "test: an envFile given as a Nix path warns, and its store copy stays a dependency of the unit" =
    {
      expr = {
        inherit (fromNixPath) warnings;
        dependency = builtins.hasAttr storeCopy (
          builtins.getContext (unitOf fromNixPath "docker-app-web").preStart
        );
      };
      expected = {
        warnings = [
          "khepri.compositions.app.services.web.envFile[0]: the env file ${storeCopy} is in the Nix store, which every user of the host can read; keep env files in runtime paths (a Nix path such as ./app.env is copied to the store, toString ./app.env is not)"
        ];
        dependency = true;
      };
    };
}
