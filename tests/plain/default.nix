# The plain-Nix tier: nixlib/expand.nix end to end (IFD build, determinism, context,
# diagnostics) with builtins only; no nixpkgs needed.
{
  # A directory with bin/khepri and bin/khepri-expander (scripts/test builds it).
  khepriDir,
}:
let
  khepri = builtins.path {
    path = khepriDir;
    name = "khepri";
  };
  pkgs = import ../stub-pkgs.nix { };
  testdata = ../../plugin/expand/testdata;
  golden = name: builtins.fromJSON (builtins.readFile (testdata + "/${name}"));

  expand =
    backend: compositions:
    import ../../nixlib/expand.nix {
      inherit khepri backend compositions;
      system = builtins.currentSystem;
    };

  paperless = (golden "paperless.request.json").compositions;
  viaNix = expand "docker" paperless;
  # The same plugin under another store path: another derivation, so Nix builds the
  # expansion a second time instead of reusing the first.
  againElsewhere = import ../../nixlib/expand.nix {
    inherit khepri;
    plugin = builtins.path {
      path = "${khepri}/bin/khepri-expander";
      name = "khepri-expander-again";
    };
    backend = "docker";
    compositions = paperless;
    system = builtins.currentSystem;
  };

  caddyfile = builtins.toFile "Caddyfile" ":80 { respond \"hello\" }";
  image = pkgs.dockerTools.buildLayeredImage {
    name = "khepri/hello";
    tag = "1";
  };
  withStorePaths = expand "docker" {
    web.services.caddy = {
      inherit image;
      volumes = [ "${caddyfile}:/etc/caddy/Caddyfile:ro" ];
    };
  };
  web = withStorePaths.containers.web-caddy;

  # Values that break naive quoting in Nix, JSON, shell or systemd.
  hostile = [
    "it's \"quoted\""
    "$HOME and \${HOME} and ''\${x}"
    "$(touch /tmp/khepri-pwned) `id`"
    "back\\slash \\n"
    "a; rm -rf /tmp/x && echo y | cat"
    "new\nline\r\nand\ttab"
    "ünïcødé ✓ 日本"
    "%n %i %% systemd"
  ];
  hostileEnv = builtins.listToAttrs (
    builtins.genList (i: {
      name = "V${toString i}";
      value = builtins.elemAt hostile i;
    }) (builtins.length hostile)
  );
  probe =
    (expand "podman" {
      hostile.services.probe = {
        image = "khepri-test/probe:1";
        environment = hostileEnv;
        command = hostile;
      };
    }).containers.hostile-probe;

  # builtins.toJSON renders a set with outPath as that path and calls a __toString; in
  # compositions they are names like any other.
  specialNames = {
    outPath = "o";
    __toString = "t";
  };
  named =
    (expand "docker" {
      app.networks.outPath.labels = specialNames;
      app.services.outPath = {
        image = "example/web:1";
        environment = specialNames;
        labels = specialNames;
        networks.outPath = { };
      };
    });

  notAnImage = expand "docker" {
    app.services.web.image = derivation {
      name = "nginx-1.27";
      system = builtins.currentSystem;
      builder = "/bin/sh";
    };
  };

  broken = expand "docker" {
    app.services.web = {
      image = "example/web:1";
      networks.nowhere = { };
    };
  };
in
import ../report.nix {
  cases = {
    "test: the IFD build gives the plugin's golden expansion of paperless, byte for byte" = {
      expr = builtins.readFile viaNix.expansion;
      expected = builtins.readFile (testdata + "/paperless.docker.json");
    };
    "test: the expansion reaches Nix as the golden containers, units and target" = {
      expr = {
        inherit (viaNix)
          containers
          containerUnits
          services
          targets
          ;
      };
      expected =
        let
          g = golden "paperless.docker.json";
        in
        {
          inherit (g) containers containerUnits services;
          targets = g.targets;
        };
    };
    "test: a second, separate build of the same request writes the same bytes" = {
      expr = builtins.readFile againElsewhere.expansion;
      expected = builtins.readFile viaNix.expansion;
    };
    "test: the second build really is another derivation" = {
      expr = againElsewhere.expansion.drvPath != viaNix.expansion.drvPath;
      expected = true;
    };
    "test: the request carries no string context, so evaluating builds nothing" = {
      expr = builtins.hasContext withStorePaths.request;
      expected = false;
    };
    "test: the expansion derivation depends on none of the store paths it names" = {
      expr =
        let
          drvText = builtins.readFile withStorePaths.expansion.drvPath;
          mentions =
            path:
            builtins.match ".*${builtins.unsafeDiscardStringContext (builtins.substring 11 32 path)}.*" drvText
            != null;
        in
        map mentions [
          image.drvPath
          image.outPath
          caddyfile
          "${khepri}"
        ];
      # The last one shows that a mention would be seen: the host is the builder.
      expected = [
        false
        false
        false
        true
      ];
    };
    "test: a store path in a volume is a dependency of the container again" = {
      expr = builtins.getContext (builtins.head web.volumes);
      expected = builtins.getContext "${caddyfile}";
    };
    "test: an image derivation becomes imageFile with its context restored" = {
      expr = {
        inherit (web) image;
        imageFile = builtins.getContext web.imageFile;
      };
      expected = {
        image = "khepri/hello:1";
        imageFile = builtins.getContext "${image}";
      };
    };
    "test: strings without store paths get no context" = {
      expr = builtins.hasContext web.labels."com.docker.compose.project";
      expected = false;
    };
    "test: hostile strings come back from the expansion unchanged" = {
      expr = {
        inherit (probe) environment cmd;
      };
      expected = {
        environment = hostileEnv;
        cmd = hostile;
      };
    };
    "test: outPath and __toString are names like any other in the request" = {
      expr = {
        inherit (named.containers.app-outPath) environment;
        labels = builtins.removeAttrs named.containers.app-outPath.labels [
          "com.docker.compose.project"
          "com.docker.compose.service"
        ];
        network = named.services.khepri-app-resources.script;
      };
      expected = {
        environment = specialNames;
        labels = specialNames;
        network = "docker network inspect app_outPath >/dev/null 2>&1 || docker network create --label 'com.docker.compose.project=app' --label 'com.docker.compose.network=outPath' --label '__toString=t' --label 'outPath=o' app_outPath\n";
      };
    };
    "test: the request renders sets with outPath or __toString as data, the rest as toJSON" = {
      expr = import ../../nixlib/json.nix {
        plain = [
          1
          "a"
          null
          { x = true; }
        ];
        special = specialNames // {
          nested = [ { outPath = 1; } ];
        };
      };
      expected = ''{"plain":[1,"a",null,{"x":true}],"special":{"__toString":"t","nested":[{"outPath":1}],"outPath":"o"}}'';
    };
    "test: an error diagnostic becomes a failing assertion that names the option" = {
      expr = map (a: {
        inherit (a) assertion;
        option = builtins.head (builtins.match "([^:]*): .*" a.message);
      }) broken.assertions;
      expected = [
        {
          assertion = false;
          option = "khepri.compositions.app.services.web.networks.nowhere";
        }
      ];
    };
    "test: a derivation that is not a dockerTools image is an assertion on image" = {
      expr = map (a: a.message) notAnImage.assertions;
      expected = [
        "khepri.compositions.app.services.web.image: the image derivation is not a dockerTools image: it has no imageName and imageTag to run it by; use pkgs.dockerTools (pullImage, buildImage, buildLayeredImage, streamLayeredImage), or set image to the name:tag inside imageFile"
      ];
    };
    "test: an expansion with errors holds no containers" = {
      expr = broken.containers;
      expected = { };
    };
  };
}
