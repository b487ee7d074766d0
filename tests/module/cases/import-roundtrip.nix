# `khepri import` round trips: for every case of host/importer/testdata with a golden
# output (want.nix) and a hand-written composition (handwritten.nix), both evaluate through
# the module to the same containers, systemd units and timers, so the import means what the
# compose file means. want.nix of a --expr case is a bare composition, wrapped here.
{
  lib,
  evalHost,
  failedAssertions,
  ...
}:
let
  testdata = ../../../host/importer/testdata;
  cases = lib.filterAttrs (
    name: type:
    type == "directory"
    && builtins.pathExists (testdata + "/${name}/want.nix")
    && builtins.pathExists (testdata + "/${name}/handwritten.nix")
  ) (builtins.readDir testdata);

  hostOf =
    file:
    let
      value = import file;
      module = if builtins.isFunction value then value else { khepri.compositions.imported = value; };
    in
    evalHost [
      { virtualisation.oci-containers.backend = "docker"; }
      module
    ];

  # What the expansion gives NixOS: the containers and the units.
  resultOf = host: {
    containers = host.virtualisation.oci-containers.containers;
    services = host.systemd.services;
    targets = host.systemd.targets;
    timers = host.systemd.timers;
  };

  caseTests =
    name:
    let
      imported = hostOf (testdata + "/${name}/want.nix");
      expected = hostOf (testdata + "/${name}/handwritten.nix");
    in
    {
      "test: import ${name}: the imported composition expands like the hand-written one" = {
        expr = resultOf imported;
        expected = resultOf expected;
      };
      "test: import ${name}: the imported composition passes every assertion" = {
        expr = failedAssertions imported;
        expected = [ ];
      };
    };
in
{
  "test: import: every golden output has a hand-written composition beside it" = {
    expr = builtins.attrNames (
      lib.filterAttrs (
        name: type:
        type == "directory"
        && builtins.pathExists (testdata + "/${name}/want.nix")
        && !builtins.pathExists (testdata + "/${name}/handwritten.nix")
      ) (builtins.readDir testdata)
    );
    # Its paths are the machine's, written as @DIR@ in the golden file.
    expected = [ "absolute-paths" ];
  };
}
// lib.foldl' (all: name: all // caseTests name) { } (builtins.attrNames cases)
