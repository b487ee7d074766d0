{ ... }:
{
  khepri.compositions.ports.services.web = {
    image = "nginx";
    ports = [
      80
      "8080:80"
      "127.0.0.1:8443:443"
      "[::1]:9000:9000"
      "53:53/udp"
      "0.0.0.0:9091:9090"
    ];
  };
}
