# dependsOn conditions: the awaited service's unit counts as started only when it is
# healthy, or when it has exited 0.
{ lib, evalHost, ... }:
let
  host = evalHost [
    {
      virtualisation.oci-containers.backend = "docker";
      khepri.compositions.app.services = {
        migrate = {
          image = "example/app:1";
          command = [ "migrate" ];
        };
        db = {
          image = "docker.io/library/postgres:15";
          healthcheck.test = [
            "CMD"
            "pg_isready"
          ];
        };
        web = {
          image = "example/app:1";
          dependsOn = {
            db.condition = "service_healthy";
            migrate.condition = "service_completed_successfully";
          };
        };
      };
    }
  ];
  units = host.systemd.services;
in
{
  "test: a dependency waited for to be healthy waits for its health before it counts as started" = {
    expr = lib.hasInfix "[ \"$status\" = healthy ]" units.docker-app-db.postStart;
    expected = true;
  };
  "test: a dependency waited for to complete keeps its container, runs once and stays active" = {
    expr = {
      keep = host.virtualisation.oci-containers.containers.app-migrate.autoRemoveOnStop;
      inherit (units.docker-app-migrate.serviceConfig) Restart RemainAfterExit;
      waits = lib.hasInfix "docker wait app-migrate" units.docker-app-migrate.postStart;
    };
    expected = {
      keep = false;
      Restart = "no";
      RemainAfterExit = "true";
      waits = true;
    };
  };
  "test: the dependent is ordered after both and requires them" = {
    expr = builtins.filter (lib.hasPrefix "docker-app-") units.docker-app-web.requires;
    expected = [
      "docker-app-db.service"
      "docker-app-migrate.service"
    ];
  };
}
