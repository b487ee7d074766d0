# The ExpandRequest the NixOS module sends for one composition, as JSON: the composition
# (what `khepri import --expr` wrote) is checked by the khepri option tree and rendered
# by nixlib/expand.nix, as nixlib/module.nix does. Only the request is read, so nothing
# is built.
{
  # The file `khepri import --expr` wrote.
  file,
  # The composition's name, khepri.compositions.<name>.
  name,
  backend ? "docker",
}:
let
  lib = import <nixpkgs/lib>;
  checked = lib.evalModules {
    modules = [
      { options.khepri = import ../../nixlib/options { inherit lib; }; }
      {
        khepri.compositions.${name} = import (/. + file);
      }
    ];
  };
  expansion = import ../../nixlib/expand.nix {
    khepri = throw "request.nix reads the request only; nothing runs khepri";
    system = builtins.currentSystem;
    inherit backend;
    inherit (checked.config.khepri) networks volumes;
    compositions =
      (import ../../nixlib/expand-config.nix { inherit lib; }).toRequest
        checked.config.khepri.compositions;
  };
in
expansion.request
