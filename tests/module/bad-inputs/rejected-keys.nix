{
  compositions.app.services.web = {
    image = "example/web:1";
    extends.service = "base";
  };
  assertions = [
    "khepri.compositions.app.services.web.extends: compose's extends is not supported: use Nix merging instead: `//`, `lib.recursiveUpdate` or a shared let binding (`khepri import` resolves extends)"
  ];
}
