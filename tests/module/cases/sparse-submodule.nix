# nixlib/options/sparse-submodule.nix on its own: what a value holds, how an option's
# `apply` and required options are honoured, the fast path and the module system's
# merge giving the same values.
{ lib, ... }:
let
  inherit (lib) mkOption types;
  inherit (import ../../../nixlib/options/sparse-submodule.nix { inherit lib; })
    sparseSubmodule
    coercedTo
    ;
  item = sparseSubmodule {
    options = {
      name = mkOption {
        type = types.str;
        apply = lib.toUpper;
      };
      tags = mkOption {
        type = coercedTo types.str lib.toList (types.listOf types.str);
        default = [ ];
      };
      port = mkOption {
        type = types.nullOr types.int;
        default = null;
      };
    };
  };
  valueOf =
    defs:
    (lib.evalModules {
      modules = [ { options.items = mkOption { type = types.attrsOf item; }; } ] ++ defs;
    }).config.items;
  fails = defs: !(builtins.tryEval (builtins.deepSeq (valueOf defs) true)).success;
in
{
  "test: a sparse submodule's value holds the options set, applied and coerced" = {
    expr = valueOf [
      {
        items.a = {
          name = "web";
          tags = "front";
        };
      }
    ];
    expected.a = {
      name = "WEB";
      tags = [ "front" ];
    };
  };
  # mkIf makes every definition take the module system's merge instead of the fast path.
  "test: the module system's merge gives the fast path's values" = {
    expr = valueOf [
      {
        items.a = lib.mkIf true {
          name = lib.mkIf true "web";
          tags = lib.mkIf true "front";
          port = lib.mkIf false 80;
        };
      }
    ];
    expected = valueOf [
      {
        items.a = {
          name = "web";
          tags = "front";
        };
      }
    ];
  };
  "test: a sparse submodule fails on a missing required option, an unknown one, a wrong type" =
    {
      expr = map fails [
        [ { items.a.tags = [ "front" ]; } ]
        [ { items.a.nam = "web"; } ]
        [ { items.a.name = 1; } ]
        [ { items.a.tags = [ 1 ]; } ]
        [ { items.a.name = "web"; } ]
      ];
      expected = [
        true
        true
        true
        true
        false
      ];
    };
}
