# compose build: the unit graph, and the image tag derived from the context's contents as
# they reach the store (without what .dockerignore ignores).
{
  lib,
  khepri,
  evalHost,
  failedAssertions,
  ...
}:
let
  fixtures = ../fixtures/build;
  hostWith =
    backend: services:
    evalHost [
      { virtualisation.oci-containers.backend = backend; }
      { khepri.compositions.app.services = services; }
    ];
  docker = hostWith "docker" {
    web.build = fixtures + "/app";
    api = {
      image = "registry.example/acme/api:2";
      build = {
        context = fixtures + "/app";
        dockerfileInline = "FROM scratch\n";
        args.VERSION = "2";
      };
    };
  };
  imageOf = host: svc: host.virtualisation.oci-containers.containers."app-${svc}".image;
  webImage = context: imageOf (hostWith "docker" { web.build = context; }) "web";
  contextOf = host: host.khepri.compositions.app.services.web.build.context;
  # The file names of a store directory, recursively.
  filesIn =
    dir:
    lib.concatLists (
      lib.mapAttrsToList (
        name: type: if type == "directory" then map (f: "${name}/${f}") (filesIn "${dir}/${name}") else [ name ]
      ) (builtins.readDir dir)
    );
  podman = hostWith "podman" { web.build = fixtures + "/app"; };
  unit = docker.systemd.services;
in
{
  "test: a built service's container runs its content tag, never pulled, after its build unit" = {
    expr = {
      inherit (docker.virtualisation.oci-containers.containers.app-web) pull;
      image = builtins.match "khepri/app-web:[0-9a-f]{32}" (imageOf docker "web") != null;
      after = builtins.elem "khepri-app-build-web.service" unit.docker-app-web.after;
      requires = builtins.elem "khepri-app-build-web.service" unit.docker-app-web.requires;
      assertions = failedAssertions docker;
    };
    expected = {
      pull = "never";
      image = true;
      after = true;
      requires = true;
      assertions = [ ];
    };
  };
  "test: the build unit is a oneshot that stays active, with the engine and khepri on its PATH" = {
    expr = {
      inherit (unit.khepri-app-build-web.serviceConfig) Type RemainAfterExit;
      inherit (unit.khepri-app-build-web) partOf;
      # NixOS adds its own after them.
      path = map (p: p.name or (toString p)) (lib.take 2 unit.khepri-app-build-web.path);
      script = lib.hasPrefix "khepri build-image --engine docker --tag ${imageOf docker "web"} --service app/web --file ${contextOf docker}/Dockerfile -- --label 'khepri.build=app/web' ${contextOf docker}\n" unit.khepri-app-build-web.script;
      podmanPath = map (p: p.name or (toString p)) (lib.take 2 podman.systemd.services.khepri-app-build-web.path);
    };
    expected = {
      Type = "oneshot";
      RemainAfterExit = "true";
      partOf = [ "khepri-app.target" ];
      path = [
        "docker"
        "khepri"
      ];
      script = true;
      podmanPath = [
        "podman"
        "khepri"
      ];
    };
  };
  "test: image names the built image's repository, and the build tags image itself" = {
    expr = {
      image = builtins.match "registry.example/acme/api:[0-9a-f]{32}" (imageOf docker "api") != null;
      also = lib.hasInfix "--also registry.example/acme/api:2 " unit.khepri-app-build-api.script;
      locked = docker.khepri.images;
    };
    expected = {
      image = true;
      also = true;
      locked = [ ];
    };
  };
  "test: the same contents give the same tag, wherever the directory is" = {
    expr = webImage (fixtures + "/app-copy");
    expected = imageOf docker "web";
  };
  "test: one byte changed in the context gives a new tag" = {
    expr = webImage (fixtures + "/app-changed") != imageOf docker "web";
    expected = true;
  };
  "test: a file .dockerignore ignores changes no tag" = {
    expr = webImage (fixtures + "/app-ignored");
    expected = imageOf docker "web";
  };
  "test: a build setting changed gives a new tag" = {
    expr =
      imageOf (hostWith "docker" {
        web.build = {
          context = fixtures + "/app";
          args.VERSION = "3";
        };
      }) "web" != imageOf docker "web";
    expected = true;
  };
  # As docker reads it: `*.log` is build.log at the top only, `docs` and `!docs/keep.md`
  # keep that one file of the directory.
  "test: the context in the store holds what .dockerignore keeps, and the Dockerfile" = {
    expr = lib.sort lib.lessThan (filesIn (contextOf docker));
    expected = [
      ".dockerignore"
      "Dockerfile"
      "docs/keep.md"
      "logs/a.log"
      "src/main.txt"
    ];
  };
  "test: the context's store path is named for khepri, not for the directory" = {
    expr = builtins.match "${builtins.storeDir}/[0-9a-z]{32}-khepri-build-context" (contextOf docker) != null;
    expected = true;
  };
  "test: a missing context, a missing Dockerfile and an unknown build key fail the evaluation" = {
    expr = map (b: (builtins.tryEval (builtins.deepSeq (hostWith "docker" { web.build = b; }).virtualisation.oci-containers.containers null)).success) [
      (fixtures + "/missing")
      {
        context = fixtures + "/app";
        dockerfile = "Containerfile";
      }
      {
        context = fixtures + "/app";
        dockerfileInline = "FROM scratch\n";
      }
      {
        context = fixtures + "/app";
        dockerFile = "Dockerfile";
      }
    ];
    expected = [
      false
      false
      true
      false
    ];
  };
}
