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
      # services.web.build: not supported by khepri: khepri runs images and builds none: build one with dockerTools (pkgs.dockerTools.buildLayeredImage) and set image to it: {"context":"@DIR@/web"}
      # services.web.cpu_count: not supported by khepri: CPU counts are for Windows containers: use cpus: 2
    };
    secrets = {
      # secrets.token.template_driver: not supported by khepri: a swarm secret store; khepri mounts files (set file): "golang"
      token.file = toString ./token.txt;
    };
  };
}
