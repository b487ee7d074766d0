# The stacks the README promises evaluate exactly as written.
{
  lib,
  pkgs,
  evalHost,
  failedAssertions,
  ...
}:
let
  docker = {
    virtualisation.oci-containers.backend = "docker";
  };
  host = evalHost [
    docker
    ../../../examples/caddy.nix
    ../../../examples/paperless.nix
    ../../../examples/nginx.nix
  ];
  containers = host.virtualisation.oci-containers.containers;
  units = host.systemd.services;
  web = units."docker-paperless_web";
  paperlessUnits = [
    "docker-paperless-broker.service"
    "docker-paperless-db.service"
    "docker-paperless-gotenberg.service"
    "docker-paperless-tika.service"
  ];
in
{
  "test: the three seed stacks evaluate together without failing assertions" = {
    expr = failedAssertions host;
    expected = [ ];
  };
  "test: every service becomes one container, named <composition>-<service> or containerName" = {
    expr = builtins.attrNames containers;
    expected = [
      "caddy-caddy"
      "nginx-nginx"
      "paperless-broker"
      "paperless-db"
      "paperless-gotenberg"
      "paperless-tika"
      "paperless_web"
    ];
  };
  "test: named volumes get the composition prefix, host paths pass through" = {
    expr = containers.caddy-caddy.volumes;
    expected = [
      "caddy_caddy_data:/data:rw"
      "/etc/caddy/Caddyfile:/etc/caddy/Caddyfile:ro"
    ];
  };
  "test: the webserver joins its networks with its service name as alias" = {
    expr = builtins.filter (lib.hasPrefix "--network") containers.paperless_web.extraOptions;
    expected = [
      "--network=name=paperless_paperless,alias=webserver"
      "--network=name=proxy_net,alias=webserver"
    ];
  };
  "test: cmd (the oci-containers name) sets the command" = {
    expr = containers.paperless-gotenberg.cmd;
    expected = [
      "gotenberg"
      "--chromium-disable-javascript=true"
      "--chromium-allow-list=file:///tmp/.*"
    ];
  };
  "test: the webserver's unit is after and requires the other four services" = {
    expr = {
      after = lib.intersectLists paperlessUnits web.after;
      requires = lib.intersectLists paperlessUnits web.requires;
    };
    expected = {
      after = paperlessUnits;
      requires = paperlessUnits;
    };
  };
  "test: a container unit is after and requires the unit creating its network and volume" = {
    expr = builtins.filter (lib.hasPrefix "khepri-") units.docker-paperless-db.requires;
    expected = [ "khepri-paperless-resources.service" ];
  };
  "test: external networks are not created, composition networks and volumes are" = {
    expr = units.khepri-caddy-resources.script;
    expected = "docker volume inspect caddy_caddy_data >/dev/null 2>&1 || docker volume create --label 'com.docker.compose.project=caddy' --label 'com.docker.compose.volume=caddy_data' caddy_caddy_data\n";
  };
  "test: each composition has a target that multi-user.target wants" = {
    expr = lib.mapAttrs (_: t: t.wantedBy) host.systemd.targets;
    expected = {
      khepri-caddy = [ "multi-user.target" ];
      khepri-nginx = [ "multi-user.target" ];
      khepri-paperless = [ "multi-user.target" ];
    };
  };
  "test: containers are part of their composition's target" = {
    expr = units.docker-caddy-caddy.partOf;
    expected = [ "khepri-caddy.target" ];
  };
  "test: a service without networks joins <composition>_default, created by a unit" = {
    expr = {
      network = builtins.filter (lib.hasPrefix "--network") containers.nginx-nginx.extraOptions;
      unit = lib.hasInfix "docker network create" units.khepri-nginx-resources.script;
    };
    expected = {
      network = [ "--network=name=nginx_default,alias=nginx" ];
      unit = true;
    };
  };
  "test: resources units run the engine from the backend's package, before NixOS's default path" = {
    expr = units.khepri-nginx-resources.path;
    expected = [
      pkgs.docker
      pkgs.coreutils
      pkgs.findutils
      pkgs.gnugrep
      pkgs.gnused
      pkgs.systemd
    ];
  };
  "test: compose labels group the containers by composition and service" = {
    expr = {
      inherit (containers.paperless_web.labels) "com.docker.compose.project" "com.docker.compose.service";
    };
    expected = {
      "com.docker.compose.project" = "paperless";
      "com.docker.compose.service" = "webserver";
    };
  };
}
