{ ... }:
{
  khepri.compositions.hosts-labels.services = {
    list = {
      image = "busybox";
      extraHosts = [
        "somehost=162.242.195.82"
        "host.docker.internal:host-gateway"
      ];
      labels = {
        "traefik.enable" = "true";
        "com.example.empty" = "";
      };
    };
    map = {
      image = "busybox";
      extraHosts = [
        "myhostv6=::1"
        "otherhost=50.31.209.229"
      ];
      labels = {
        "traefik.http.routers.web.rule" = "Host(`example.org`)";
        "com.example.count" = 3;
      };
    };
  };
}
