# khepri.expansionFile: the expansion read from a file written by `khepri freeze`, with
# no import-from-derivation; the module tier builds that file with the command itself.
{
  lib,
  pkgs,
  khepri,
  evalHost,
  failedAssertions,
  ...
}:
let
  paperless = ../../../examples/paperless.nix;
  viaBuild = evalHost [ paperless ];
  # What `nix eval --raw …config.khepri.request | khepri freeze --request - --out F` writes.
  freeze =
    request:
    derivation {
      name = "khepri-expansion.json";
      system = builtins.currentSystem;
      builder = "${khepri}/bin/khepri";
      args = [
        "freeze"
        "--plugin"
        "${khepri}/bin/khepri-expander"
        "--request"
        (builtins.toFile "request.json" request)
        "--out"
        (builtins.placeholder "out")
      ];
    };
  expansionFile = freeze viaBuild.khepri.request;
  viaFile = evalHost [
    paperless
    { khepri = { inherit expansionFile; }; }
  ];
  changed = evalHost [
    paperless
    {
      khepri.expansionFile = expansionFile;
      khepri.compositions.paperless.services.db.environment.EXTRA = "1";
    }
  ];
  outputs = config: {
    inherit (config.virtualisation.oci-containers) containers;
    inherit (config.systemd) services targets;
    inherit (config) warnings;
    assertions = failedAssertions config;
    manifest = config.environment.etc."khepri/manifest.json".text;
  };
in
{
  "test: an expansion file gives NixOS exactly what the build gives" = {
    expr = builtins.toJSON (outputs viaFile) == builtins.toJSON (outputs viaBuild);
    expected = true;
  };
  "test: the expansion file holds containers (the equality is not of two empty sets)" = {
    expr = builtins.attrNames viaFile.virtualisation.oci-containers.containers;
    expected = builtins.attrNames viaBuild.virtualisation.oci-containers.containers;
  };
  "test: the request option is the request the file was written for" = {
    expr =
      (builtins.fromJSON (builtins.readFile expansionFile)).requestSha256
      == builtins.hashString "sha256" viaBuild.khepri.request;
    expected = true;
  };
  "test: a file written for other compositions is one assertion naming the file and the fix" = {
    expr = map (
      m:
      builtins.match "khepri[.]expansionFile: (.*) is the expansion of other compositions [(].*[)]; rewrite it: nix eval --raw <configuration>[.]config[.]khepri[.]request [|] khepri freeze --request - --out <file>" m
    ) (failedAssertions changed);
    expected = [ [ "${expansionFile}" ] ];
  };
  "test: a stale expansion file gives NixOS no container" = {
    expr = changed.virtualisation.oci-containers.containers;
    expected = { };
  };
}
