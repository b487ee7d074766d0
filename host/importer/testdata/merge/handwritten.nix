{ ... }:
{
  khepri.compositions.merge.services.web = {
    image = "nginx:1.27";
    environment = {
      MODE = "prod";
      KEEP = "base";
    };
    ports = [
      "8080:80"
      "443:443"
    ];
    restart = "always";
  };
}
