{ ... }:
{
  khepri.compositions.unsupported-allowed = {
    services.web = {
      image = "nginx";
      ports = [
        {
          target = 80;
          published = 8080;
          mode = "host";
        }
      ];
      healthcheck = {
        test = [
          "CMD"
          "curl"
          "-f"
          "http://localhost"
        ];
        interval = "30s";
      };
      secrets = [ "token" ];
    };
    secrets.token.file = toString ./token.txt;
  };
}
