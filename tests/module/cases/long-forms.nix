# Compose's other shapes of environment, labels, extraHosts, ports and volumes mean what
# their usual forms mean.
{ lib, evalHost, ... }:
let
  web =
    service:
    (evalHost [
      {
        virtualisation.oci-containers.backend = "docker";
        khepri.compositions.app.services.web = {
          image = "example/web:1";
        }
        // service;
      }
    ]).virtualisation.oci-containers.containers.app-web;
in
{
  "test: environment and labels as lists of KEY=value equal their attribute sets" = {
    expr =
      let
        c = web {
          environment = [
            "A=1"
            "B=x=y"
            "EMPTY="
          ];
          labels = [
            "traefik.enable=true"
            "bare"
          ];
        };
      in
      {
        inherit (c) environment;
        traefik = c.labels."traefik.enable";
        bare = c.labels.bare;
      };
    expected = {
      environment = {
        A = "1";
        B = "x=y";
        EMPTY = "";
      };
      traefik = "true";
      bare = "";
    };
  };
  "test: extraHosts as an attribute set equals its list" =
    let
      asList =
        (web {
          extraHosts = [
            "db=10.0.0.2"
            "db=::1"
          ];
        }).extraOptions;
    in
    {
      expr = {
        attrs =
          (web {
            extraHosts.db = [
              "10.0.0.2"
              "::1"
            ];
          }).extraOptions;
        list = builtins.filter (lib.hasPrefix "--add-host") asList;
      };
      expected = {
        attrs = asList;
        # The list gives its flags: equal options would prove nothing without them.
        list = [
          "--add-host=db:10.0.0.2"
          "--add-host=db:::1"
        ];
      };
    };
  "test: a long-syntax port is the short one it spells" = {
    expr = {
      long =
        (web {
          ports = [
            {
              target = 80;
              published = 8080;
              hostIp = "127.0.0.1";
            }
          ];
        }).ports;
      short = (web { ports = [ "127.0.0.1:8080:80" ]; }).ports;
    };
    expected = {
      long = [ "127.0.0.1:8080:80" ];
      short = [ "127.0.0.1:8080:80" ];
    };
  };
  "test: a long-syntax volume becomes a --mount flag" = {
    expr = builtins.filter (o: builtins.substring 0 7 o == "--mount") (web {
      volumes = [
        {
          type = "tmpfs";
          target = "/scratch";
          tmpfs.size = "1m";
        }
      ];
    }).extraOptions;
    expected = [ "--mount=type=tmpfs,target=/scratch,tmpfs-size=1048576" ];
  };
}
