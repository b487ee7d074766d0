{
  compositions.app.services.web = {
    image = "example/web:1";
    build = ".";
  };
  assertions = [
    "khepri.compositions.app.services.web.build: compose's build is not supported: khepri builds no images; use a dockerTools image derivation as image (pkgs.dockerTools.buildLayeredImage or streamLayeredImage), which khepri loads from the store"
  ];
}
