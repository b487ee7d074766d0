# A container's unit as NixOS renders it: oci-containers' own unit (its script, pre-start,
# stop commands and settings) merged with what khepri adds, in the order systemd runs the
# commands (nixos-fixture.nix models both).
{
  lib,
  evalHost,
  failedAssertions,
  ...
}:
let
  hostFor =
    backend:
    evalHost [
      {
        virtualisation.oci-containers.backend = backend;
        khepri.compositions.app = {
          secrets.pw.file = "/run/keys/pw";
          services.db = {
            image = "example/db:1";
            healthcheck.test = [
              "CMD"
              "pg_isready"
            ];
            # A copy with its own mode: khepri's preStart writes it.
            secrets = [
              {
                source = "pw";
                mode = 400;
              }
            ];
          };
          services.web = {
            image = "example/web:1";
            containerName = "app_web";
            # khepri's postStart in db waits for its health.
            dependsOn.db.condition = "service_healthy";
            environment.GREETING = "hello world";
            command = [
              "serve"
              "--port"
              "8080"
            ];
            logging.driver = "local";
            restart = "on-failure";
          };
        };
      }
    ];
  backends = lib.genAttrs [
    "docker"
    "podman"
  ];
  unitsOf = backend: (hostFor backend).systemd.services;

  # oci-containers' pre-start, a writeShellApplication.
  ociPreStart =
    text: "#!pre-start\nset -o errexit\nset -o nounset\nset -o pipefail\n\n${text}\n";
in
{
  "test: a container's unit runs khepri's preStart, then oci-containers' pre-start, and khepri's postStart once started" =
    {
      expr = backends (
        b:
        let
          unit = (unitsOf b)."${b}-app-db";
        in
        {
          inherit (unit.serviceConfig) ExecStartPre ExecStartPost;
          waitsForHealth =
            lib.hasInfix "# Dependents wait for this container to be healthy" unit.postStart;
        }
      );
      expected = backends (b: {
        ExecStartPre = [
          "#!${b}-app-db-pre-start\nset -e\n\ninstall -d -m 0700 -- /run/khepri/app-db/secrets\ninstall -m 0400 -o 0 -g 0 -- /run/keys/pw /run/khepri/app-db/secrets/pw\n\n"
          (ociPreStart (
            {
              docker = "docker rm -f app-db || true\n\n\n\n\n";
              podman = "podman rm -f app-db || true\n\n\n\nrm -f /run/app-db/ctr-id\n\n";
            }
            .${b}
          ))
        ];
        ExecStartPost = [
          "#!${b}-app-db-post-start\nset -e\n\n${(unitsOf b)."${b}-app-db".postStart}\n"
        ];
        waitsForHealth = true;
      });
    };
  "test: the container runs its image and log driver as given, every other value quoted" = {
    expr = backends (b: (unitsOf b)."${b}-app_web".script);
    expected = {
      docker = ''
        exec docker  \
          run \
          --name=app_web \
          --log-driver=local \
          -e GREETING='hello world' \
          -l com.docker.compose.project=app \
          -l com.docker.compose.service=web \
          --rm \
          --pull missing \
          '--network=name=app_default,alias=web' \
          example/web:1 \
          serve \
          --port \
          8080'';
      podman = ''
        exec podman  \
          run \
          --name=app_web \
          --log-driver=local \
          --cidfile=/run/app_web/ctr-id \
          --cgroups=enabled \
          --sdnotify=conmon \
          -d \
          --replace \
          -e GREETING='hello world' \
          -l com.docker.compose.project=app \
          -l com.docker.compose.service=web \
          --rm \
          --pull missing \
          '--network=app_default:alias=web' \
          example/web:1 \
          serve \
          --port \
          8080'';
    };
  };
  "test: the container's unit keeps oci-containers' settings, under the composition's restart policy" =
    {
      expr = backends (
        b:
        removeAttrs (unitsOf b)."${b}-app_web".serviceConfig [
          "ExecStart"
          "ExecStartPre"
        ]
      );
      expected =
        let
          restart = {
            Restart = "on-failure";
            RestartMaxDelaySec = "1min";
            RestartSec = "100ms";
            RestartSteps = "10";
          };
        in
        {
          docker = restart // {
            ExecStop = "#!docker-app_web-pre-stop\nset -e\n\ndocker stop app_web || true\n";
            ExecStopPost = "#!docker-app_web-post-stop\nset -e\n\ndocker rm -f app_web || true\n";
            TimeoutStartSec = 0;
            TimeoutStopSec = 120;
          };
          # podman keeps the container's id in its runtime directory, /run/<container>.
          podman = restart // {
            Environment = "PODMAN_SYSTEMD_UNIT=%n";
            ExecStop = "#!podman-app_web-pre-stop\nset -e\n\npodman stop --ignore --cidfile=/run/app_web/ctr-id\n";
            ExecStopPost = "#!podman-app_web-post-stop\nset -e\n\npodman rm -f --ignore --cidfile=/run/app_web/ctr-id\n";
            NotifyAccess = "all";
            RuntimeDirectory = "app_web";
            TimeoutStartSec = 0;
            TimeoutStopSec = 120;
            Type = "notify";
            User = "root";
          };
        };
    };
  "test: a container pulling its image waits for the network, after what khepri orders it after" = {
    expr = backends (
      b:
      let
        unit = (unitsOf b)."${b}-app_web";
      in
      {
        inherit (unit) wants after requires;
      }
    );
    expected = {
      docker = {
        wants = [ "network-online.target" ];
        after = [
          "docker.service"
          "docker.socket"
          "network-online.target"
          "docker-app-db.service"
          "khepri-app-resources.service"
        ];
        requires = [
          "docker-app-db.service"
          "khepri-app-resources.service"
        ];
      };
      podman = {
        wants = [ "network-online.target" ];
        after = [
          "network-online.target"
          "khepri-app-resources.service"
          "podman-app-db.service"
        ];
        requires = [
          "khepri-app-resources.service"
          "podman-app-db.service"
        ];
      };
    };
  };
  "test: the host passes oci-containers' assertions, and rootful containers get no warning" = {
    expr = backends (
      b:
      let
        host = hostFor b;
      in
      {
        failed = failedAssertions host;
        inherit (host) warnings;
      }
    );
    expected = backends (_: {
      failed = [ ];
      warnings = [ ];
    });
  };
  "test: an expander's ExecStartPre cannot replace NixOS's own: the evaluation fails instead" = {
    expr =
      let
        host = evalHost [
          (
            { config, lib, ... }:
            import ../../../nixlib/nixos.nix {
              inherit config lib;
              cli.enable = false;
              expansion = {
                backend = "docker";
                containers.app-web.image = "example/web:1";
                containerUnits.docker-app-web.serviceConfig.ExecStartPre = "/bin/own-pre-start";
                services = { };
                targets = { };
                assertions = [ ];
                warnings = [ ];
              };
            }
          )
          { virtualisation.oci-containers.backend = "docker"; }
        ];
        inherit (host.systemd.services.docker-app-web.serviceConfig) ExecStartPre;
      in
      (builtins.tryEval (builtins.deepSeq ExecStartPre null)).success;
    expected = false;
  };
  # The fixture's own honesty: oci-containers writes the image into the script as it is.
  "test: oci-containers puts the image into the container's script unquoted" = {
    expr =
      let
        host = evalHost [
          {
            virtualisation.oci-containers = {
              backend = "docker";
              containers.raw.image = "app:1 $(touch /tmp/x)";
            };
          }
        ];
      in
      lib.last (lib.splitString "\n" host.systemd.services.docker-raw.script);
    expected = "  app:1 $(touch /tmp/x)";
  };
}
