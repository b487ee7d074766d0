# NixOS for the module tier, which runs with the nixpkgs library only: the options khepri's
# module writes into and reads, declared with NixOS's names, types and merge rules, and
# what NixOS adds on its own to khepri's containers (oci-containers' units, assertions and
# warnings). A test double never kinder than NixOS: what NixOS would refuse or change, it
# refuses or changes too.
#
# A list of modules, as NixOS's own modules are: given before the configuration that
# imports khepri's module, they merge with it in the order NixOS merges them (list
# options such as warnings, after or ExecStartPre keep NixOS's order).
[
  ./nixos-fixture/core.nix
  ./nixos-fixture/users.nix
  ./nixos-fixture/systemd.nix
  ./nixos-fixture/oci-containers.nix
]
