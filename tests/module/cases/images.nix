# Image derivations are loaded from the store, and stay dependencies of the system.
{
  lib,
  pkgs,
  evalHost,
  ...
}:
let
  host = evalHost [
    { virtualisation.oci-containers.backend = "docker"; }
    ../../../examples/nginx.nix
    {
      khepri.compositions.built.services = {
        layered.image = layered;
        streamed.image = streamed;
      };
    }
  ];
  layered = pkgs.dockerTools.buildLayeredImage {
    name = "khepri/layered";
    tag = "1";
  };
  streamed = pkgs.dockerTools.streamLayeredImage {
    name = "khepri/streamed";
    tag = "2";
  };
  inherit (host.virtualisation.oci-containers) containers;
  units = host.systemd.services;
  nginxImage = pkgs.dockerTools.pullImage {
    imageName = "nginx";
    imageDigest = "sha256:0f04e4f646a3f14bf31d8bc8d885b6c951fdcf42589d06845f64d18aec6a3c4d";
    sha256 = "159z86nw6riirs9ix4zix7qawhfngl5fkx7ypmi6ib0sfayc8pw2";
    finalImageName = "nginx";
    finalImageTag = "latest";
  };
in
{
  "test: a pullImage derivation runs as name:tag from its image file" = {
    expr = {
      inherit (containers.nginx-nginx) image;
      imageFile = "${containers.nginx-nginx.imageFile}";
    };
    expected = {
      image = "nginx:latest";
      imageFile = "${nginxImage}";
    };
  };
  "test: the image file is a dependency of the container again (its context is restored)" = {
    expr = builtins.attrNames (builtins.getContext containers.nginx-nginx.imageFile);
    expected = [ nginxImage.drvPath ];
  };
  "test: a buildLayeredImage derivation becomes imageFile" = {
    expr = with containers.built-layered; [
      image
      "${imageFile}"
      imageStream
    ];
    expected = [
      "khepri/layered:1"
      "${layered}"
      null
    ];
  };
  "test: oci-containers' pre-start loads the image from the store, and the unit does not wait for the network" =
    {
      expr =
        lib.genAttrs
          [
            "docker-built-layered"
            "docker-built-streamed"
          ]
          (n: {
            inherit (units.${n}.serviceConfig) ExecStartPre;
            inherit (units.${n}) wants;
          });
      expected = {
        docker-built-layered = {
          ExecStartPre = [
            "#!pre-start\nset -o errexit\nset -o nounset\nset -o pipefail\n\ndocker rm -f built-layered || true\n\ndocker load -i ${layered}\n\n\n\n\n"
          ];
          wants = [ ];
        };
        docker-built-streamed = {
          ExecStartPre = [
            "#!pre-start\nset -o errexit\nset -o nounset\nset -o pipefail\n\ndocker rm -f built-streamed || true\n\n\n${streamed} | docker load\n\n\n\n"
          ];
          wants = [ ];
        };
      };
    };
  "test: a streamLayeredImage derivation becomes imageStream" = {
    expr = with containers.built-streamed; [
      image
      imageFile
      "${imageStream}"
    ];
    expected = [
      "khepri/streamed:2"
      null
      "${streamed}"
    ];
  };
}
