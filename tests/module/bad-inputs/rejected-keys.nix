{
  compositions.app.services.web = {
    image = "example/web:1";
    build.context = ".";
    extends.service = "base";
  };
  assertions = [
    "khepri.compositions.app.services.web.build: compose's build is not supported: khepri builds no images; use a dockerTools image derivation as image (pkgs.dockerTools.buildLayeredImage or streamLayeredImage), which khepri loads from the store"
    "khepri.compositions.app.services.web.extends: compose's extends is not supported: use Nix merging instead: `//`, lib.recursiveUpdate or a shared let binding (the compose importer resolves extends)"
  ];
}
