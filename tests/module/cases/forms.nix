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
  "test: in the list forms of environment and labels the last of a repeated name wins as in compose" = {
    expr =
      let
        app =
          (evalHost [
            {
              virtualisation.oci-containers.backend = "docker";
              khepri.compositions.app = {
                networks.back.labels = [
                  "tier=one"
                  "tier=two"
                  "bare"
                ];
                services.web = {
                  image = "example/web:1";
                  networks = [ "back" ];
                  environment = [
                    "A=1"
                    "A=2"
                    "EQ=a=b"
                  ];
                  labels = [
                    "tier=one"
                    "tier=two"
                    "bare"
                  ];
                };
              };
            }
          ]);
        web = app.virtualisation.oci-containers.containers.app-web;
      in
      {
        inherit (web) environment;
        labels = {
          inherit (web.labels) tier bare;
        };
        network = app.systemd.services.khepri-app-resources.script;
      };
    expected = {
      environment = {
        A = "2";
        EQ = "a=b";
      };
      labels = {
        tier = "two";
        bare = "";
      };
      network = "docker network inspect app_back >/dev/null 2>&1 || docker network create --label 'com.docker.compose.project=app' --label 'com.docker.compose.network=back' --label 'bare=' --label 'tier=two' app_back\n";
    };
  };
}
