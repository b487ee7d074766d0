{ ... }:
{
  khepri.compositions.long-ports.services.web = {
    image = "nginx";
    ports = [
      {
        target = 80;
        published = 8080;
      }
      {
        target = "443";
        published = "8443";
        hostIp = "127.0.0.1";
        appProtocol = "https";
        name = "tls";
      }
      {
        target = 53;
        published = 5353;
        protocol = "udp";
        mode = "host";
      }
      "[::1]:9000:9000"
      9090
    ];
  };
}
