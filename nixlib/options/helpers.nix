# Helpers of the option declarations: option constructors with named arguments, the
# compose spec links, and the types compose's shorthand forms need.
{ lib }:
let
  inherit (lib) mkOption types;
  specBase = "https://docs.docker.com/reference/compose-file";
  sparse = import ./sparse-submodule.nix { inherit lib; };
  inherit (sparse) coercedTo sparseSubmodule;
in
rec {
  inherit (sparse) sparseSubmodule sparseSubmoduleWith coercedTo;

  # composeDoc "services" "cap_add" links the compose key an option maps to, so every
  # option's description names its upstream key the same way.
  composeDoc = section: key: "Compose: [`${key}`](${specBase}/${section}/#${key}).";

  # composeKey "cpuShares" is "cpu_shares": the compose key of an option, whose name is
  # the key in lowerCamelCase.
  composeKey =
    name:
    lib.concatMapStrings (c: if lib.toLower c != c then "_" + lib.toLower c else c) (
      lib.stringToCharacters name
    );

  # optionName "cpu_shares" is "cpuShares": the option of a compose key, composeKey's
  # inverse.
  optionName =
    key:
    let
      words = lib.splitString "_" key;
      capitalize = w: lib.toUpper (builtins.substring 0 1 w) + builtins.substring 1 (-1) w;
    in
    lib.concatStrings ([ (builtins.head words) ] ++ map capitalize (builtins.tail words));

  # The compose keys khepri refuses, by section, with their reasons: the table the
  # plugin's errors and khepri import's findings give too (proto/khepri/rejected).
  rejected = lib.importJSON ../../proto/khepri/rejected/rejected.json;

  # refusedOptions reasons: an option for each refused compose key of a section of
  # proto/khepri/rejected/rejected.json, taking any value, so that setting one is an
  # error that gives the reason instead of an unknown option.
  refusedOptions = lib.mapAttrs' (
    key: reason:
    lib.nameValuePair (optionName key) (mkOption {
      type = types.nullOr types.anything;
      default = null;
      description = "Not supported: ${reason}. Setting it is an error.";
    })
  );

  # composeOptions { section, anchors ? { } } options: the options of a section's compose
  # keys, each description ending with the link to its key, derived from the option's
  # name; `anchors` names the spec's anchor where the key has none of its own
  # (`ipv4Address` is under `ipv4_address-ipv6_address`).
  composeOptions =
    {
      section,
      anchors ? { },
    }:
    lib.mapAttrs (
      name: option:
      option
      // {
        description = ''
          ${lib.removeSuffix "\n" option.description}
          ${composeDoc section (anchors.${name} or (composeKey name))}
        '';
      }
    );

  # optional { type, description, example, ... }: an option of `type` that is unset
  # (null) unless given; the other arguments are mkOption's.
  optional = { type, ... }@args: mkOption (args // { type = types.nullOr type; default = null; });

  # A list of names is shorthand for an attribute set of default settings, as in compose
  # (`volumes = [ "pgdata" ]` is `volumes.pgdata = { }`).
  namesOrAttrsOf =
    elemType:
    coercedTo (types.listOf types.str) (names: lib.genAttrs names (_: { })) (
      types.attrsOf elemType
    );

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

  # How a locked image reaches the host (khepri.imageFetch and its overrides).
  imageFetchType = types.enum [
    "registry"
    "nix"
  ];

  # extra_hosts (service and build): a list of `host:ip` / `host=ip`, or an attribute set
  # of host names to an address or a list of addresses.
  extraHostsType =
    coercedTo (types.attrsOf (types.either types.str (types.listOf types.str)))
      (
        hosts:
        lib.concatLists (
          lib.mapAttrsToList (host: ips: map (ip: "${host}=${ip}") (lib.toList ips)) hosts
        )
      )
      (types.listOf types.str);

  # ulimits (service and build): by name, one number for both limits or `{ soft; hard; }`.
  ulimitsType = types.attrsOf (
    coercedTo types.int
      (n: {
        soft = n;
        hard = n;
      })
      (sparseSubmodule {
        options = {
          soft = mkOption {
            type = types.int;
            description = "The soft limit.";
          };
          hard = mkOption {
            type = types.int;
            description = "The hard limit.";
          };
        };
      })
  );

  # Compose writes port numbers and octal modes as numbers or strings.
  numberOrStr = coercedTo types.int toString types.str;

  # A string or a list of strings, as compose allows for `dns`, `env_file`, `tmpfs`, ...
  strOrList = coercedTo types.str lib.toList (types.listOf types.str);

  # Compose turns numbers and booleans in `environment` and `labels` into strings.
  composeScalar = coercedTo (types.either types.int types.bool) (
    v: if builtins.isBool v then lib.boolToString v else toString v
  ) types.str;
}
