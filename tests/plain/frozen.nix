# The plain-Nix tier without import-from-derivation: nixlib/expand.nix reads a file that
# `khepri freeze` wrote from `request`. scripts/test writes it, then evaluates `report`
# with allow-import-from-derivation = false, and checks that `ifd` then fails with Nix's
# own message.
{
  # A directory with bin/khepri and bin/khepri-expander (scripts/test builds it).
  khepriDir,
  # The file `khepri freeze` wrote from `request`.
  expansionFile ? null,
}:
let
  khepri = builtins.path {
    path = khepriDir;
    name = "khepri";
  };
  pkgs = import ../stub-pkgs.nix { };
  caddyfile = builtins.toFile "Caddyfile" ":80 { respond \"hello\" }";
  image = pkgs.dockerTools.buildLayeredImage {
    name = "khepri/hello";
    tag = "1";
  };
  compositions.web.services.caddy = {
    inherit image;
    volumes = [ "${caddyfile}:/etc/caddy/Caddyfile:ro" ];
  };
  expand =
    args:
    import ../../nixlib/expand.nix (
      {
        inherit khepri compositions;
        backend = "docker";
        system = builtins.currentSystem;
      }
      // args
    );
  ifd = expand { };
  frozen = expand { inherit expansionFile; };
  stale = expand {
    inherit expansionFile;
    compositions = compositions // {
      other.services.app.image = "app:1";
    };
  };
  caddy = frozen.containers.web-caddy;
in
{
  inherit (ifd) request;
  ifd = ifd.containers;

  report = import ../report.nix {
    cases = {
      "test: the expansion file gives the containers without building anything" = {
        expr = {
          inherit (caddy) image;
          units = builtins.attrNames frozen.containerUnits;
          targets = builtins.attrNames frozen.targets;
        };
        expected = {
          image = "khepri/hello:1";
          units = [ "docker-web-caddy" ];
          targets = [ "khepri-web" ];
        };
      };
      "test: store paths read from the file carry their context again" = {
        expr = map builtins.hasContext [
          caddy.imageFile
          (builtins.head caddy.volumes)
        ];
        expected = [
          true
          true
        ];
      };
      "test: a file for other compositions is one assertion that names the file" = {
        expr = map (
          a: builtins.match "khepri[.]expansionFile: (.*) is the expansion of other compositions .*" a.message
        ) stale.assertions;
        expected = [ [ (toString expansionFile) ] ];
      };
      "test: a file for other compositions gives no containers" = {
        expr = stale.containers;
        expected = { };
      };
    };
  };
}
