# Compose's shorthand forms mean what their long forms mean.
{ evalHost, ... }:
let
  containersOf =
    composition:
    (evalHost [
      {
        virtualisation.oci-containers.backend = "docker";
        khepri.compositions.app = composition;
      }
    ]).virtualisation.oci-containers.containers;
in
{
  "test: lists of names equal attribute sets of default settings" = {
    expr = containersOf {
      networks = [ "back" ];
      volumes = [ "data" ];
      services.db.image = "example/db:1";
      services.web = {
        image = "example/web:1";
        networks = [ "back" ];
        volumes = [ "data:/data" ];
        dependsOn = [ "db" ];
      };
    };
    expected = containersOf {
      networks.back = { };
      volumes.data = { };
      services.db.image = "example/db:1";
      services.web = {
        image = "example/web:1";
        networks.back = { };
        volumes = [ "data:/data" ];
        dependsOn.db = {
          condition = "service_started";
          required = true;
        };
      };
    };
  };
  "test: integers and booleans in environment and labels become strings as in compose" = {
    expr =
      let
        web =
          (containersOf {
            services.web = {
              image = "example/web:1";
              environment = {
                WORKERS = 2;
                DEBUG = false;
              };
              labels."traefik.enable" = true;
            };
          }).app-web;
      in
      {
        inherit (web) environment;
        traefik = web.labels."traefik.enable";
      };
    expected = {
      environment = {
        WORKERS = "2";
        DEBUG = "false";
      };
      traefik = "true";
    };
  };
}
