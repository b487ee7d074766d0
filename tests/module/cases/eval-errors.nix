# The evaluation-error corpus: every file in ../eval-errors is a mistake that the module
# system refuses, so evaluation fails (with the file's message, which scripts/eval-errors
# compares: a failure's message is out of reach of an evaluation).
{ lib, evalHost, ... }:
let
  dir = ../eval-errors;
  files = builtins.attrNames (
    lib.filterAttrs (n: _: lib.hasSuffix ".nix" n) (builtins.readDir dir)
  );
  fails =
    file:
    !(builtins.tryEval (import ../eval-error.nix { inherit lib evalHost file; })).success;
in
{
  "test: every mistake of the evaluation-error corpus fails the evaluation" = {
    expr = lib.filter (file: !fails (dir + "/${file}")) files;
    expected = [ ];
  };
  # The corpus proves nothing if the harness fails on sound input.
  "test: the evaluation-error harness evaluates a sound composition" = {
    expr = fails (
      builtins.toFile "sound.nix" ''
        { compositions.app.services.web.image = "example/web:1"; }
      ''
    );
    expected = false;
  };
}
