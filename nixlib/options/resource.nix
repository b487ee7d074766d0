# A composition's network or volume: compose's top-level `networks.<name>` and
# `volumes.<name>` share these settings.
{
  lib,
  khepriLib,
  kind,
  example,
}:
let
  inherit (lib) mkOption types;
  section = "${kind}s";
in
{
  options = {
    external = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Whether the ${kind} is created outside this composition (by hand, or by another
        composition). khepri then uses it under {option}`name` (or its attribute name) as
        is and creates no unit for it.
        ${khepriLib.composeDoc section "external"}
      '';
    };
    name = mkOption {
      type = types.str;
      default = "";
      inherit example;
      description = ''
        The ${kind}'s name in the engine. Empty means `<composition>_<attribute name>`, or
        the attribute name when the ${kind} is external.
        ${khepriLib.composeDoc section "name"}
      '';
    };
  };
}
