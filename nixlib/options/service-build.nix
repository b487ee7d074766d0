# A service's build: compose's `build`, the image built on the host from a context in the
# Nix store. A context path is copied to the store here, filtered by its .dockerignore;
# everything else is the plugin's to check.
{ lib, helpers }:
{ options, ... }:
let
  inherit (lib) mkOption types;
  inherit (helpers) composeScalar entriesToAttrs numberOrStr optional;
  doc = key: "Compose: [`${key}`](https://docs.docker.com/reference/compose-file/build/#${key}).";
  dockerignore = import ../dockerignore.nix { inherit lib; };
  where = lib.showOption options.build.loc;

  isDerivation = v: builtins.isAttrs v && v.type or null == "derivation";
  # A context: a Nix path, a derivation, or a string (a store path; any other string is
  # the plugin's error to report).
  contextType = types.oneOf [
    types.package
    types.path
    types.str
  ];

  # storeContext copies a context path to the store, without what its .dockerignore
  # ignores; a derivation is its output path, a string stays as written.
  storeContext =
    keep: ctx:
    if builtins.isPath ctx then
      builtins.path {
        path = ctx;
        # Not the directory's name: the same contents give the same store path, and the
        # same image tag, wherever the directory is.
        name = "khepri-build-context";
        filter = dockerignore.filter ctx keep;
      }
    else if isDerivation ctx then
      "${ctx}"
    else
      ctx;

  # The Dockerfile of a context path must be there; a derivation's is known only once
  # it is built, and a wrong one fails the build unit.
  checkPath =
    b:
    let
      ctx = b.context;
      file = if b.dockerfile == null then "Dockerfile" else b.dockerfile;
      inside = !(lib.hasPrefix "/" file) && !(lib.hasInfix ".." file);
    in
    if !builtins.isPath ctx then
      b
    else if !builtins.pathExists ctx then
      throw "${where}.context: ${toString ctx} does not exist; the context is the directory to build (in a flake, a file that git does not track is not in the flake's copy)"
    else if b.dockerfileInline == null && inside && !builtins.pathExists (ctx + "/${file}") then
      throw "${where}.dockerfile: the context ${toString ctx} has no ${file}: set dockerfile to the Dockerfile's path in the context, or give it as dockerfileInline"
    else
      b;

  toRequest =
    b:
    let
      checked = checkPath b;
      keep = [
        ".dockerignore"
        (if b.dockerfile == null then "Dockerfile" else b.dockerfile)
      ];
    in
    checked
    // {
      context = storeContext keep checked.context;
      additionalContexts = builtins.mapAttrs (_: storeContext [ ]) checked.additionalContexts;
    };

  strList = types.listOf types.str;

  build = {
    options = {
      context = mkOption {
        type = types.nullOr contextType;
        default = null;
        example = lib.literalExpression "./app";
        description = ''
          The directory to build: a Nix path (`./app`), copied to the store without what
          its `.dockerignore` ignores (those files never reach the store), or a derivation
          or store path (`builtins.fetchGit { url = …; rev = …; }`). A path as a string
          outside the store is refused, since its contents could change while the
          configuration does not; so is a git URL: fetch it with Nix at a pinned revision.
          ${doc "context"}
        '';
      };
      dockerfile = optional {
        type = types.str;
        example = "docker/Dockerfile";
        description = ''
          The Dockerfile's path in the context; by default `Dockerfile`.
          ${doc "dockerfile"}
        '';
      };
      dockerfileInline = optional {
        type = types.str;
        example = "FROM scratch\nCOPY app /app\n";
        description = ''
          The Dockerfile itself, instead of a file of the context.
          ${doc "dockerfile_inline"}
        '';
      };
      args = mkOption {
        type = types.coercedTo strList (entriesToAttrs null) (types.attrsOf (types.nullOr composeScalar));
        default = { };
        example = {
          VERSION = "2.1";
        };
        description = ''
          Build arguments (`--build-arg`), as an attribute set or a list of `KEY=value`.
          A bare `KEY`, which compose takes from its shell, is an error. They are part of
          the image's tag: changing one builds again.
          ${doc "args"}
        '';
      };
      target = optional {
        type = types.str;
        example = "runtime";
        description = ''
          The Dockerfile stage to build (`--target`).
          ${doc "target"}
        '';
      };
      labels = mkOption {
        type = types.coercedTo strList (entriesToAttrs "") (types.attrsOf composeScalar);
        default = { };
        description = ''
          Labels of the image (`--label`). khepri adds `khepri.build=<composition>/<service>`,
          by which the build unit finds the service's earlier images.
          ${doc "labels"}
        '';
      };
      network = optional {
        type = types.str;
        example = "host";
        description = ''
          The network of the build's RUN steps: `default`, `host` or `none` (`--network`).
          ${doc "network"}
        '';
      };
      extraHosts = mkOption {
        type = helpers.extraHostsType;
        default = [ ];
        description = ''
          `/etc/hosts` entries of the RUN steps, `host:ip` or `host=ip`, or an attribute set
          (`--add-host`).
          ${doc "extra_hosts"}
        '';
      };
      shmSize = optional {
        type = (types.either types.int types.str);
        example = "64m";
        description = ''
          The size of the RUN steps' `/dev/shm`, bytes or a size such as `64m` (`--shm-size`).
          ${doc "shm_size"}
        '';
      };
      ulimits = mkOption {
        type = helpers.ulimitsType;
        default = { };
        description = ''
          Resource limits of the RUN steps by name, a number or `{ soft; hard; }` (`--ulimit`).
          ${doc "ulimits"}
        '';
      };
      noCache = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Whether every step is built again, without the engine's cache (`--no-cache`).
          The image is still built only when its tag is missing.
          ${doc "no_cache"}
        '';
      };
      pull = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Whether the build pulls its base images again (`--pull`). The tag does not
          follow a registry: a moved base image is pulled at the next build, which a
          change of the build's inputs starts.
          ${doc "pull"}
        '';
      };
      tags = mkOption {
        type = strList;
        default = [ ];
        example = [ "registry.example/app:latest" ];
        description = ''
          Further names of the built image (`--tag`).
          ${doc "tags"}
        '';
      };
      platforms = mkOption {
        type = strList;
        default = [ ];
        example = [ "linux/amd64" ];
        description = ''
          The platform to build for (`--platform`); an engine's image store holds one
          platform of an image, so more than one is an error.
          ${doc "platforms"}
        '';
      };
      privileged = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Privileged RUN steps: an error, since `docker build` and `podman build` grant
          BuildKit's `security.insecure` entitlement to no command line.
          ${doc "privileged"}
        '';
      };
      secrets = mkOption {
        type = types.listOf (
          types.coercedTo types.str (source: { inherit source; }) (
            types.submodule {
              options = {
                source = mkOption {
                  type = types.str;
                  description = "The name of one of the composition's {option}`secrets`.";
                };
                target = optional {
                  type = types.str;
                  description = "The id the Dockerfile mounts it by; by default its name.";
                  example = "npm";
                };
                uid = optional {
                  type = numberOrStr;
                  description = "Not for builds: the Dockerfile's mount sets it (an error).";
                };
                gid = optional {
                  type = numberOrStr;
                  description = "Not for builds: the Dockerfile's mount sets it (an error).";
                };
                mode = optional {
                  type = numberOrStr;
                  description = "Not for builds: the Dockerfile's mount sets it (an error).";
                };
              };
            }
          )
        );
        default = [ ];
        example = [ "npmrc" ];
        description = ''
          Secrets of the composition the build reads (`--secret id=…,src=<file>`), by the
          id a `RUN --mount=type=secret,id=…` mounts: the file is read when the build runs,
          never copied to the store. Docker builds with BuildKit for them. A secret's
          contents are not part of the image's tag.
          ${doc "secrets"}
        '';
      };
      ssh = mkOption {
        type = types.coercedTo (types.attrsOf types.str) (lib.mapAttrsToList (id: path: "${id}=${path}")) strList;
        default = [ ];
        example = [ "default=/run/keys/deploy" ];
        description = ''
          SSH keys or agent sockets for `RUN --mount=type=ssh`, `id=/path` (`--ssh`);
          compose's bare `default`, the agent of compose's shell, is an error: a unit has
          no agent. Keep keys out of the store.
          ${doc "ssh"}
        '';
      };
      cacheFrom = mkOption {
        type = strList;
        default = [ ];
        description = ''
          Images whose layers the build may reuse (`--cache-from`); buildx's `type=…`
          cache backends are errors.
          ${doc "cache_from"}
        '';
      };
      cacheTo = mkOption {
        type = strList;
        default = [ ];
        description = ''
          Where the build exports its cache (`--cache-to`): an image repository, podman
          only; `docker build` exports none (an error).
          ${doc "cache_to"}
        '';
      };
      additionalContexts = mkOption {
        type = types.attrsOf contextType;
        default = { };
        example = lib.literalExpression "{ assets = ./assets; }";
        description = ''
          Further contexts by name, which the Dockerfile names (`COPY --from=assets`):
          Nix paths, copied to the store as the context is, or store paths
          (`--build-context`; docker builds with BuildKit for them).
          ${doc "additional_contexts"}
        '';
      };
      keepOld = mkOption {
        type = types.bool;
        default = false;
        description = ''
          Whether the images of the service's earlier builds stay. By default, after a
          build, the build unit removes the names of the images that carry the service's
          `khepri.build` label and are not the new one (an image a container still uses
          stays). khepri's own option; compose has none.
        '';
      };
    };
  };
in
{
  options.build = mkOption {
    type = types.nullOr (
      types.coercedTo contextType (context: { inherit context; }) (types.submodule build)
    );
    default = null;
    example = lib.literalExpression "./app";
    apply = b: if b == null then null else toRequest b;
    description = ''
      Builds the image the service runs: the context alone (`./app`), or the long syntax.
      The container runs `khepri/<composition>-<service>:<hash>` (or `<image's name>:<hash>`
      when {option}`image` is set, which also names the built image), the hash taken over
      the context's store path and every other build setting, so that a change of any of
      them builds and runs a new image, and none never builds again. The unit
      `khepri-<composition>-build-<service>.service` builds it, when the tag is missing,
      before the container starts; a failed build keeps the container from starting.
      ${helpers.composeDoc "services" "build"}
    '';
  };
}
