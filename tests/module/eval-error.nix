# A file of eval-errors/ as a host's configuration: the request of its compositions (and
# its `host` settings), whose evaluation must fail with the file's `message`. The module
# tier checks that it fails (cases/eval-errors.nix); scripts/eval-errors compares Nix's
# message, which only the evaluator prints.
{
  # A directory with bin/khepri and bin/khepri-expander; or evalHost itself.
  khepri ? null,
  lib ? import <nixpkgs/lib>,
  evalHost ? (import ../host.nix { inherit khepri lib; }).evalHost,
  file,
}:
let
  input = import file;
in
(evalHost [
  { virtualisation.oci-containers.backend = "docker"; }
  { khepri.compositions = input.compositions or { }; }
  (input.host or { })
]).khepri.request
