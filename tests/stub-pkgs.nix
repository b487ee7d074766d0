# The few parts of nixpkgs the tests touch, stubbed so that no test builds real software:
# images are derivations that would fail if built, which evaluation never does.
{
  system ? builtins.currentSystem,
}:
let
  stub =
    name: attrs:
    derivation {
      inherit name system;
      builder = "/bin/sh";
      args = [
        "-c"
        "echo 'a test stub is never built' >&2; exit 1"
      ];
    }
    // attrs;
  image =
    {
      name,
      tag ? "latest",
      ...
    }:
    stub "docker-image-${baseNameOf name}.tar.gz" {
      imageName = name;
      imageTag = tag;
    };
in
{
  stdenv.buildPlatform.system = system;
  # The khepri package for the host (khepri.cli.package, the container units' PATH).
  callPackage = _: _: stub "khepri" { };
  # What nixpkgs' lib.systems says of x86_64-linux, for the image platform.
  stdenv.hostPlatform.go = {
    GOOS = "linux";
    GOARCH = "amd64";
  };
  buildPackages.cacert = stub "nss-cacert" { };
  busybox = stub "busybox" { };
  docker = stub "docker" { };
  podman = stub "podman" { };
  # NixOS's default path of a service.
  coreutils = stub "coreutils" { };
  findutils = stub "findutils" { };
  gnugrep = stub "gnugrep" { };
  gnused = stub "gnused" { };
  systemd = stub "systemd" { };
  dockerTools = {
    pullImage =
      {
        imageName,
        finalImageName ? imageName,
        finalImageTag ? "latest",
        ...
      }:
      stub "docker-image-${finalImageName}-${finalImageTag}.tar" {
        imageName = finalImageName;
        imageTag = finalImageTag;
      };
    buildImage = image;
    buildLayeredImage = image;
    streamLayeredImage =
      {
        name,
        tag ? "latest",
        ...
      }:
      stub "stream-${baseNameOf name}" {
        imageName = name;
        imageTag = tag;
        isExe = true;
      };
  };
}
