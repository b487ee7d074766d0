# The image lock: locked references run by digest on both backends, requireLockedImages
# turns an unlocked one into an assertion, and image fetch "nix" loads the image from a
# fixed-output derivation whose name and hash come from the lock.
{
  lib,
  pkgs,
  khepri,
  evalHost,
  failedAssertions,
  ...
}:
let
  lock = ../fixtures/khepri.lock.json;
  index = "sha256:${lib.strings.replicate 64 "1"}";
  redis = "sha256:${lib.strings.replicate 64 "b"}";
  layered = pkgs.dockerTools.buildLayeredImage {
    name = "khepri/layered";
    tag = "1";
  };
  compositions = {
    shop.services = {
      db.image = "docker.io/library/postgres:15";
      cache.image = "redis:7";
      web.image = "nginx:1.27";
      # An image from the store, though a reference of its name is locked.
      built.image = layered;
    };
    offline = {
      imageFetch = "nix";
      services = {
        db.image = "docker.io/library/postgres:15";
        cache = {
          image = "redis:7";
          imageFetch = "registry";
        };
      };
    };
  };
  hostOn =
    backend: settings:
    evalHost [
      {
        virtualisation.oci-containers.backend = backend;
        khepri = { inherit compositions; };
      }
      { khepri = settings; }
    ];
  docker = hostOn "docker" { imageLock = lock; };
  podman = hostOn "podman" { imageLock = lock; };
  # Image fetch "nix" needs a lock: without one, only the shop can run.
  unlocked = hostOn "docker" { compositions.offline.enable = false; };
  imageOf = host: name: host.virtualisation.oci-containers.containers.${name}.image;
  images =
    host: lib.genAttrs [ "shop-db" "shop-cache" "shop-web" "shop-built" ] (imageOf host);
  offlineDb = docker.virtualisation.oci-containers.containers.offline-db;

  viaLib = (import ../../../nixlib { inherit lib; }).expand {
    inherit pkgs;
    compositions = { inherit (compositions) shop offline; };
    backend = "docker";
    package = khepri;
    imageLock = lock;
  };
  viaLibHost = evalHost [
    viaLib.nixosModule
    { virtualisation.oci-containers.backend = "docker"; }
  ];
in
{
  "test: a locked reference runs by its digest, tag kept, on docker and podman alike" = {
    expr = map images [
      docker
      podman
    ];
    expected =
      lib.replicate 2 {
        shop-db = "docker.io/library/postgres:15@${index}";
        shop-cache = "redis:7@${redis}";
        shop-web = "nginx:1.27";
        shop-built = "khepri/layered:1";
      };
  };
  "test: without a lock every image runs as written" = {
    expr = images unlocked;
    expected = {
      shop-db = "docker.io/library/postgres:15";
      shop-cache = "redis:7";
      shop-web = "nginx:1.27";
      shop-built = "khepri/layered:1";
    };
  };
  "test: requireLockedImages makes an unlocked image an assertion naming the service" = {
    expr = failedAssertions (
      hostOn "docker" {
        imageLock = lock;
        requireLockedImages = true;
      }
    );
    expected = [
      "khepri.compositions.shop.services.web.image: image \"nginx:1.27\" is not in the image lock (khepri.imageLock), and khepri.requireLockedImages is set: lock it with `khepri lock`, or give it a digest (nginx:1.27@sha256:…)"
    ];
  };
  "test: image fetch nix needs a lock that holds the image's archive" = {
    expr = failedAssertions (hostOn "docker" { });
    expected = [
      "khepri.compositions.offline.services.db.image: image fetch \"nix\" loads a locked image from the Nix store, and \"docker.io/library/postgres:15\" is not in the image lock (khepri.imageLock): lock it with `khepri lock --archive linux/amd64`"
    ];
  };
  "test: image fetch nix loads the archive from a fixed-output derivation and never pulls" = {
    expr = {
      inherit (offlineDb) image pull;
      cache = imageOf docker "offline-cache";
      inherit (offlineDb.imageFile)
        name
        outputHash
        outputHashMode
        args
        ;
    };
    expected = {
      image = "docker.io/library/postgres:15-aaaaaaaaaaaa";
      pull = "never";
      # The service's own imageFetch wins over its composition's.
      cache = "redis:7@${redis}";
      name = "docker-image-postgres-15-aaaaaaaaaaaa.tar";
      outputHash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
      outputHashMode = "flat";
      args = [
        "fetch-image"
        "docker.io/library/postgres@sha256:${lib.strings.replicate 64 "a"}"
        "--name"
        "docker.io/library/postgres:15-aaaaaaaaaaaa"
        "--out"
        (builtins.placeholder "out")
      ];
    };
  };
  # A fixed-output path depends on the name and the hash alone: the same on every
  # machine, whichever khepri builds it (`nix-store --print-fixed-path sha256 <hash>
  # <name>` prints this one).
  "test: the image archive's store path is stable" = {
    expr = offlineDb.imageFile.outPath;
    expected = "/nix/store/ci5hd2lk5gqykklnpc8mh7lz9vp8l6bi-docker-image-postgres-15-aaaaaaaaaaaa.tar";
  };
  "test: khepri.images lists the references to lock, with the archive platform of those Nix fetches" =
    {
      expr = docker.khepri.images;
      expected = [
        {
          image = "docker.io/library/postgres:15";
          archive = "linux/amd64";
        }
        { image = "nginx:1.27"; }
        { image = "redis:7"; }
      ];
    };
  "test: lib.expand takes the image lock as the module does" = {
    expr = {
      inherit (viaLibHost.virtualisation.oci-containers) containers;
      inherit (viaLib) images;
    };
    expected = {
      inherit (docker.virtualisation.oci-containers) containers;
      inherit (docker.khepri) images;
    };
  };
}
