# scale: several containers for one service, all behind the service name.
{ lib, evalHost, ... }:
let
  host = evalHost [
    {
      virtualisation.oci-containers.backend = "docker";
      khepri.compositions.web.services = {
        app = {
          image = "example/app:1";
          scale = 2;
        };
        proxy = {
          image = "example/proxy:1";
          dependsOn = [ "app" ];
        };
      };
    }
  ];
in
{
  "test: scale gives numbered containers that all answer to the service name" = {
    expr = lib.mapAttrs (_: c: builtins.filter (lib.hasPrefix "--network") c.extraOptions) (
      lib.filterAttrs (n: _: lib.hasPrefix "web-app" n) host.virtualisation.oci-containers.containers
    );
    expected = {
      web-app-1 = [ "--network=name=web_default,alias=app" ];
      web-app-2 = [ "--network=name=web_default,alias=app" ];
    };
  };
  "test: a dependent starts after every replica" = {
    expr = builtins.filter (lib.hasPrefix "docker-web-app") host.systemd.services.docker-web-proxy.requires;
    expected = [
      "docker-web-app-1.service"
      "docker-web-app-2.service"
    ];
  };
}
