{ ... }:
{
  khepri.compositions.extends.services = {
    api = {
      image = "example/app:1";
      command = [
        "serve"
        "--api"
      ];
      environment = {
        LOG = "info";
        ROLE = "api";
      };
      restart = "always";
    };
    base = {
      image = "example/app:1";
      environment.LOG = "info";
      restart = "always";
    };
    worker = {
      image = "example/app:1";
      command = "work";
      environment.ROLE = "worker";
      capDrop = [ "ALL" ];
    };
  };
}
