# nixlib/dockerignore.nix reads .dockerignore patterns as docker's patternmatcher does.
{ lib, ... }:
let
  dockerignore = import ../../../nixlib/dockerignore.nix { inherit lib; };
  matches = pattern: path: builtins.match (dockerignore.toRegex pattern) path != null;
  cases = [
    [ "*.md" "README.md" true ]
    [ "*.md" "docs/a.md" false ]
    [ "**/*.md" "docs/deep/a.md" true ]
    [ "**/*.md" "a.md" true ]
    [ "docs/**" "docs/a/b" true ]
    [ "a/**/b" "a/b" true ]
    [ "a/**/b" "a/x/y/b" true ]
    [ "a?c" "abc" true ]
    [ "a?c" "a/c" false ]
    [ "[a-c]x" "bx" true ]
    [ "[!a-c]x" "bx" false ]
    [ "[!a-c]x" "dx" true ]
    [ "a\\*b" "a*b" true ]
    [ "a\\*b" "axb" false ]
    [ "a.b" "axb" false ]
    [ "(x)+" "(x)+" true ]
  ];
in
{
  "test: dockerignore patterns match as docker's" = {
    expr = map (c: matches (builtins.elemAt c 0) (builtins.elemAt c 1)) cases;
    expected = map (c: builtins.elemAt c 2) cases;
  };
  "test: dockerignore lines are cleaned as docker cleans them" = {
    expr = map (p: {
      inherit (p) exclude text;
    }) (dockerignore.parse "# comment\n  /secret.txt  \n!keep\n\nnode_modules/\n./x/../y\n!\n");
    expected = [
      {
        exclude = true;
        text = "secret.txt";
      }
      {
        exclude = false;
        text = "keep";
      }
      {
        exclude = true;
        text = "node_modules";
      }
      {
        exclude = true;
        text = "y";
      }
    ];
  };
}
