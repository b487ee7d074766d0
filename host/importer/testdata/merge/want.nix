{ ... }:
{
  khepri.compositions.merge.services.web = {
    image = "nginx:1.27";
    environment = {
      KEEP = "base";
      MODE = "prod";
    };
    ports = [
      "8080:80"
      "443:443"
    ];
    restart = "always";
  };
}
