{ ... }:
{
  khepri.compositions.unsupported-allowed.services.web = {
    image = "nginx";
    ports = [ "8080:80" ];
  };
}
