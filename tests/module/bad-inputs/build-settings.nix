{
  compositions.app = {
    secrets.npmrc.file = "/run/secrets/npmrc";
    services.web = {
      pullPolicy = "always";
      build = {
        context = ../fixtures/build/app;
        args = [ "TOKEN" ];
        platforms = [
          "linux/amd64"
          "linux/arm64"
        ];
        privileged = true;
        secrets = [
          {
            source = "npmrc";
            mode = "0400";
          }
        ];
        ssh = [ "default" ];
        cacheTo = [ "registry.example/app/cache" ];
      };
    };
  };
  assertions = [
    "khepri.compositions.app.services.web.build.args.TOKEN: build argument TOKEN has no value: compose would take it from the shell running compose, and a NixOS evaluation has no such environment; write TOKEN=value"
    "khepri.compositions.app.services.web.build.cacheTo[0]: docker build exports no cache (buildx build does, with a builder of its own, not the engine's): drop cacheTo; the engine keeps the layers it built"
    "khepri.compositions.app.services.web.build.platforms: an engine's image store holds one platform of a built image, and the container runs that one: list one platform (the host's), or build the multi-platform image elsewhere and push it"
    "khepri.compositions.app.services.web.build.privileged: privileged build steps need BuildKit's security.insecure entitlement, which docker build and podman build do not grant from the command line: do the privileged work at run time, or build the image elsewhere"
    "khepri.compositions.app.services.web.build.secrets[0]: a build secret's owner and mode are set where the Dockerfile mounts it (RUN --mount=type=secret,uid=…,mode=…): remove uid, gid and mode here"
    "khepri.compositions.app.services.web.build.ssh[0]: ssh \"default\" takes the SSH agent of the shell running compose (SSH_AUTH_SOCK), which a systemd unit has not: give a key or an agent socket by path, default=/run/keys/deploy"
    "khepri.compositions.app.services.web.pullPolicy: pull policy \"always\" pulls the image, which build builds on this host: drop pullPolicy (or set it to \"build\")"
  ];
}
