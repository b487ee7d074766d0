{ ... }:
let
  base = {
    image = "example/app:1";
    environment.LOG = "info";
    restart = "always";
  };
in
{
  khepri.compositions.extends.services = {
    inherit base;
    api = base // {
      command = [
        "serve"
        "--api"
      ];
      environment = base.environment // {
        ROLE = "api";
      };
    };
    worker = {
      image = "example/app:1";
      command = "work";
      capDrop = [ "ALL" ];
      environment.ROLE = "worker";
    };
  };
}
