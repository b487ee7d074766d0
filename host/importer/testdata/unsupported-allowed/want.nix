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
      # services.web.cpu_count: not supported by khepri: cpu_count is for Windows containers; use `cpus`: 2
    };
    secrets = {
      # secrets.token.template_driver: not supported by khepri: template drivers render secrets in swarm's secret store, which a single engine has not; render the secret into a runtime file (sops-nix's templates) and set file: "golang"
      token.file = toString ./token.txt;
    };
  };
}
