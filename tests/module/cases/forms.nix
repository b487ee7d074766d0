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
  "test: lists of names equal attribute sets of default settings" =
    let
      lists = containersOf {
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
    in
    {
      expr = {
        inherit lists;
        # Equal containers would prove nothing if the lists were dropped on both sides.
        web = {
          inherit (lists.app-web) volumes extraOptions;
        };
      };
      expected = {
        lists = containersOf {
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
        web = {
          volumes = [ "app_data:/data" ];
          extraOptions = [ "--network=name=app_back,alias=web" ];
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
