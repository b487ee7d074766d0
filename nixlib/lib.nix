# Small pure helpers shared by the option declarations.
{ lib }:
let
  specBase = "https://docs.docker.com/reference/compose-file";
  sparse = import ./options/sparse-submodule.nix { inherit lib; };
in
rec {
  inherit (sparse) sparseSubmodule sparseSubmoduleWith khepriCoercedTo;

  # composeDoc "services" "cap_add" links the compose key an option maps to, so every
  # option's description names its upstream key the same way.
  composeDoc =
    section: key: "Compose: [`${key}`](${specBase}/${section}/#${key}).";

  # A list of names is shorthand for an attribute set of default settings, as in compose
  # (`volumes = [ "pgdata" ]` is `volumes.pgdata = { }`).
  namesOrAttrsOf =
    elemType:
    khepriCoercedTo (lib.types.listOf lib.types.str) (
      names: lib.genAttrs names (_: { })
    ) (lib.types.attrsOf elemType);

  # optional type description example: an option that is unset (null) unless given.
  optional =
    type: description: example:
    lib.mkOption {
      type = lib.types.nullOr type;
      default = null;
      inherit description example;
    };

  # composeOptional "services" type example key description: an `optional` whose
  # description ends with its compose key.
  composeOptional =
    section: type: example: key: description:
    optional type ''
      ${description}
      ${composeDoc section key}
    '' example;

  # entriesToAttrs bare entries: compose's list form of `labels` and `environment`,
  # `name=value` entries of which the last of a repeated name wins, as in compose; a bare
  # `name` gets the value bare (a label's is "", a variable's null for the plugin to
  # report).
  entriesToAttrs =
    bare: entries:
    builtins.listToAttrs (
      lib.reverseList (
        map (
          entry:
          let
            m = builtins.match "([^=]*)=(.*)" entry;
          in
          if m == null then
            lib.nameValuePair entry bare
          else
            lib.nameValuePair (builtins.head m) (lib.last m)
        ) entries
      )
    );

  # The platform an image is built for, `os/arch[/variant]` as docker names it, of a
  # nixpkgs platform (stdenv.hostPlatform): the one a host's containers run on.
  dockerPlatform =
    platform:
    let
      inherit (platform.go) GOOS GOARCH;
      variant = platform.go.GOARM or "";
    in
    "${GOOS}/${GOARCH}" + lib.optionalString (GOARCH == "arm" && variant != "") "/v${variant}";

  # How a locked image reaches the host (khepri.imageFetch and its overrides).
  imageFetchType = lib.types.enum [
    "registry"
    "nix"
  ];

  # Compose writes port numbers and octal modes as numbers or strings.
  numberOrStr = khepriCoercedTo lib.types.int toString lib.types.str;

  # A string or a list of strings, as compose allows for `dns`, `env_file`, `tmpfs`, ...
  strOrList = khepriCoercedTo lib.types.str lib.toList (lib.types.listOf lib.types.str);

  # Compose turns numbers and booleans in `environment` and `labels` into strings.
  composeScalar = khepriCoercedTo (lib.types.either lib.types.int lib.types.bool) (
    v: if builtins.isBool v then lib.boolToString v else toString v
  ) lib.types.str;
}
