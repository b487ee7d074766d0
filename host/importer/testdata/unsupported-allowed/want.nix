{ ... }:
{
  khepri.compositions.unsupported-allowed = {
    services.web = {
      image = "nginx";
      # services.web.ports[0].mode: not supported by khepri yet: "host"
      ports = [ "8080:80" ];
      # services.web.build: not supported by khepri yet: khepri runs images; build one with dockerTools (pkgs.dockerTools.buildLayeredImage) and set image to it: {"context":"@DIR@/web"}
      # services.web.healthcheck: not supported by khepri yet: {"interval":"30s","test":["CMD","curl","-f","http://localhost"]}
    };
    # secrets: not supported by khepri yet: {"token":{"file":"@DIR@/token.txt"}}
  };
}
