{ ... }:
{
  khepri.compositions.build = {
    secrets.npmrc.file = "/run/secrets/npmrc";
    services.web.build.context = ./web;
    services.api = {
      image = "registry.example/acme/api:2";
      build = {
        context = ./api;
        dockerfile = "docker/Dockerfile";
        args = [ "VERSION=2.1" ];
        target = "runtime";
        labels = [ "org.opencontainers.image.title=api" ];
        network = "host";
        extraHosts."mirror.example" = "10.0.0.5";
        shmSize = 67108864;
        noCache = true;
        pull = true;
        tags = [ "registry.example/acme/api:latest" ];
        platforms = [ "linux/amd64" ];
        secrets = [ { source = "npmrc"; } ];
        ssh.deploy = "/run/keys/deploy";
        cacheFrom = [ "registry.example/acme/api:cache" ];
        additionalContexts.assets = ./web;
      };
    };
    services.inline.build = {
      context = ./.;
      dockerfileInline = ''
        FROM scratch
        COPY web /web
      '';
    };
  };
}
