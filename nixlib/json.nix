# The JSON text of a value as builtins.toJSON renders it, except that an attribute set
# with an `outPath` or `__toString` attribute is data: toJSON renders such a set as its
# outPath, or calls its __toString. In khepri names are data (an environment variable,
# a label or a service may be called outPath), so the request and the manifest are
# rendered with this. A derivation is still rendered as its path.
#
# Builtins only, like expand.nix.
let
  inherit (builtins)
    all
    attrNames
    concatStringsSep
    isAttrs
    isList
    toJSON
    ;

  isDerivation = v: isAttrs v && v.type or null == "derivation";

  # plain: toJSON renders v as the data it is.
  plain =
    v:
    if isDerivation v then
      true
    else if isAttrs v then
      !(v ? outPath || v ? __toString) && all (n: plain v.${n}) (attrNames v)
    else if isList v then
      all plain v
    else
      true;

  # toJSON where it is right; the sets (and lists) that hold another kind of set are
  # written out here, in toJSON's order of attributes.
  render =
    v:
    if plain v then
      toJSON v
    else if isAttrs v then
      "{" + concatStringsSep "," (map (n: toJSON n + ":" + render v.${n}) (attrNames v)) + "}"
    else
      "[" + concatStringsSep "," (map render v) + "]";
in
render
