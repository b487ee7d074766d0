{ ... }:
{
  khepri.compositions.build = {
    services = {
      api = {
        image = "registry.example/acme/api:2";
        build = {
          context = ./api;
          dockerfile = "docker/Dockerfile";
          args.VERSION = "2.1";
          target = "runtime";
          labels."org.opencontainers.image.title" = "api";
          network = "host";
          extraHosts = [ "mirror.example:10.0.0.5" ];
          shmSize = "64m";
          noCache = true;
          pull = true;
          tags = [ "registry.example/acme/api:latest" ];
          platforms = [ "linux/amd64" ];
          secrets = [ "npmrc" ];
          ssh = [ "deploy=/run/keys/deploy" ];
          cacheFrom = [ "registry.example/acme/api:cache" ];
          additionalContexts.assets = ./web;
        };
      };
      inline.build = {
        context = ./.;
        dockerfileInline = "FROM scratch\nCOPY web /web\n";
      };
      web.build = ./web;
    };
    secrets.npmrc.file = "/run/secrets/npmrc";
  };
}
