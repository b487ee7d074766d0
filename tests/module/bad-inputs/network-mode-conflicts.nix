{
  compositions.edge = {
    networks = [ "front" ];
    services.proxy = {
      image = "example/proxy:1";
      networkMode = "host";
      networks = [ "front" ];
      ports = [ "80:80" ];
    };
  };
  assertions = [
    "khepri.compositions.edge.services.proxy.networkMode: networkMode and networks exclude each other, as in compose; remove one of them"
    "khepri.compositions.edge.services.proxy.ports: networkMode \"host\" has no network of the container's own to publish ports from; publish them on the service whose network it uses, or remove networkMode"
  ];
}
