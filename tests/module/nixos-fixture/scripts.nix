# Scripts that NixOS writes to the store, modelled by their text: a test reads what an
# ExecStartPre or ExecStart line runs, in the order systemd runs them. A script is the
# text of its file with the store path of its interpreter left out: "#!<name>" and the
# lines NixOS writes before the given text.
{ lib }:
rec {
  # script is the file `name` running `text`.
  script = name: text: "#!${name}\n${text}";

  # writeShellApplication (nixpkgs' trivial-builders) with its default bash options and no
  # runtimeInputs, as oci-containers writes its pre-start.
  writeShellApplication =
    { name, text }:
    script name ''
      set -o errexit
      set -o nounset
      set -o pipefail

      ${text}
    '';

  # makeJobScript (nixos/lib/systemd-lib.nix, without strict shell checks, NixOS's default):
  # the script of a unit's preStart, script, postStart, preStop or postStop.
  makeJobScript =
    name: text:
    let
      escaped = lib.replaceStrings [ "\\" ] [ "\\\\" ] name;
      fileName =
        lib.replaceStrings
          [
            "\\"
            "@"
          ]
          [
            "-"
            "_"
          ]
          escaped;
    in
    script fileName ''
      set -e

      ${text}
    '';
}
