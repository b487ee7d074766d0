{ ... }:
{
  khepri.compositions.networks = {
    services = {
      db = {
        image = "postgres:15";
        networks = [ "back" ];
      };
      plain.image = "busybox";
      web = {
        image = "nginx";
        networks = {
          back.aliases = [
            "frontend"
            "www"
          ];
          proxy = { };
        };
      };
    };
    networks = {
      back = { };
      proxy = {
        external = true;
        name = "proxy_net";
      };
    };
  };
}
