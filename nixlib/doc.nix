# The options reference (docs/options.md) as Markdown, from the module's own option
# declarations through the nixpkgs library's doc functions. scripts/options-doc writes
# it, and the tests fail when the committed file differs.
{
  lib ? import <nixpkgs/lib>,
}:
let
  # The module is evaluated against the NixOS options it writes into, with stub packages:
  # only declarations are read, nothing is built.
  eval = lib.evalModules {
    modules = import ../tests/module/nixos-fixture.nix ++ [
      ./module.nix
      { _module.args.pkgs = import ../tests/stub-pkgs.nix { system = "x86_64-linux"; }; }
    ];
  };
  options = builtins.filter (o: o.visible && !o.internal) (
    lib.optionAttrSetToDocList eval.options.khepri
  );

  # Values as optionAttrSetToDocList renders them: literal expressions or Markdown.
  render =
    v:
    if v ? _type && v._type == "literalMD" then
      v.text
    else if v ? _type && v._type == "literalExpression" then
      if lib.hasInfix "\n" v.text then "\n```nix\n${v.text}\n```" else "`${v.text}`"
    else
      "`${builtins.toJSON v}`";

  # A block example starts on its own line.
  field = label: v: "*${label}:*" + (if lib.hasPrefix "\n" (render v) then "" else " ") + render v;

  section =
    o:
    lib.concatStringsSep "\n" (
      [
        "## `${o.name}`"
        ""
        (lib.trim o.description)
        ""
        "*Type:* ${o.type}"
      ]
      ++ lib.optionals (o ? default) [
        ""
        (field "Default" o.default)
      ]
      ++ lib.optionals (o ? example) [
        ""
        (field "Example" o.example)
      ]
      ++ [ "" ]
    );
in
''
  # khepri options

  Every option under `khepri`, generated from the module by `scripts/options-doc`
  (`lib.optionAttrSetToDocList`); do not edit by hand. Option names are the compose keys
  in lowerCamelCase; each description ends with the compose key it maps to.

''
+ lib.concatMapStringsSep "\n" section options
