# Runs sentence-named cases ({ "test: ..." = { expr; expected; }; }) with builtins only
# and reports what failed, for scripts/test to print.
{ cases }:
let
  names = builtins.attrNames cases;
  failed = builtins.filter (name: cases.${name}.expr != cases.${name}.expected) names;
in
{
  total = builtins.length names;
  failures = map (name: {
    inherit name;
    inherit (cases.${name}) expected;
    result = cases.${name}.expr;
  }) failed;
}
