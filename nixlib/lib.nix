# Small pure helpers shared by the option declarations.
{ lib }:
let
  specBase = "https://docs.docker.com/reference/compose-file";
in
{
  # composeDoc "services" "cap_add" links the compose key an option maps to, so every
  # option's description names its upstream key the same way.
  composeDoc =
    section: key: "Compose: [`${key}`](${specBase}/${section}/#${key}).";

  # A list of names is shorthand for an attribute set of default settings, as in compose
  # (`volumes = [ "pgdata" ]` is `volumes.pgdata = { }`).
  namesOrAttrsOf =
    elemType:
    lib.types.coercedTo (lib.types.listOf lib.types.str) (
      names: lib.genAttrs names (_: { })
    ) (lib.types.attrsOf elemType);

  # Compose turns numbers and booleans in `environment` and `labels` into strings.
  composeScalar =
    lib.types.coercedTo (lib.types.either lib.types.int lib.types.bool) (v: if builtins.isBool v then lib.boolToString v else toString v) lib.types.str;
}
