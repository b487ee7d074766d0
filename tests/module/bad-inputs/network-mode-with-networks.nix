{
  compositions.app = {
    networks = [ "back" ];
    services.vpn.image = "example/vpn:1";
    services.web = {
      image = "example/web:1";
      networkMode = "service:vpn";
      networks = [ "back" ];
      ports = [ "8080:80" ];
    };
  };
  assertions = [
    "khepri.compositions.app.services.web.networkMode: networkMode and networks exclude each other, as in compose; remove one of them"
    "khepri.compositions.app.services.web.ports: networkMode \"service:vpn\" has no network of the container's own to publish ports from; publish them on the service whose network it uses, or remove networkMode"
  ];
}
