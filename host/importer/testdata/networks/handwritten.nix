{ ... }:
{
  khepri.compositions.networks = {
    networks = {
      back = { };
      proxy = {
        external = true;
        name = "proxy_net";
      };
    };
    services = {
      db = {
        image = "postgres:15";
        networks.back = { };
      };
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
      plain.image = "busybox";
    };
  };
}
