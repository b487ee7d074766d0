# systemd.services, systemd.targets and systemd.timers as NixOS declares them at nixpkgs
# 035a24e7ed33009b8a503ad0b76679665b8977a8 (nixos/lib/systemd-lib.nix,
# systemd-unit-options.nix and systemd-types.nix; a timer is stage2CommonUnitOptions,
# timerOptions' timerConfig and unitConfig), reduced to the options that khepri and
# oci-containers set, with NixOS's rules:
# - unit names match NixOS's unitNameType;
# - serviceConfig and unitConfig values merge as NixOS's unitOption: only the definitions of
#   the highest priority count, then lists are concatenated and other values must agree;
#   serviceConfig's Type and Restart are checked;
# - the unit's own module turns preStart, script, postStart, preStop and postStop into
#   ExecStartPre, ExecStart, ExecStartPost, ExecStop and ExecStopPost (scripts.nix models
#   the job scripts), requires, after, ... into unitConfig, and path into PATH after NixOS's
#   default path.
# Left out: the unit files themselves, restart and reload triggers, startAt, aliases and
# the options neither khepri nor oci-containers sets.
{
  config,
  lib,
  pkgs,
  ...
}:
let
  inherit (lib) mkOption types;
  cfg = config.systemd;
  inherit (import ./scripts.nix { inherit lib; }) makeJobScript;

  unitName = types.strMatching "[a-zA-Z0-9@%:_.\\-]+[.](service|socket|device|mount|automount|swap|target|path|timer|scope|slice)";
  unitNames = mkOption {
    type = types.listOf unitName;
    default = [ ];
  };

  # A value of serviceConfig or unitConfig.
  unitOption = lib.mkOptionType {
    name = "systemd option";
    merge =
      loc: defs:
      let
        defs' = lib.filterOverrides defs;
      in
      if lib.isList (lib.head defs').value then
        lib.concatMap (
          def:
          if lib.isList def.value then
            def.value
          else
            throw "${lib.showOption loc}: a systemd option's definitions are all lists (a repeated setting) or none is, not both:${lib.options.showDefs defs'}"
        ) defs'
      else
        lib.mergeEqualOption loc defs';
  };

  # NixOS's checkService: a definition of serviceConfig with another Type or Restart value
  # is not of its type. The values may still be wrapped in mkIf or mkOverride.
  checkService =
    attrs:
    let
      value = v: if v._type or "" == "override" || v._type or "" == "if" then v.content else v;
      oneOf = name: values: !(attrs ? ${name}) || lib.elem (value attrs.${name}) values;
    in
    oneOf "Type" [
      "exec"
      "simple"
      "forking"
      "oneshot"
      "dbus"
      "notify"
      "notify-reload"
      "idle"
    ]
    && oneOf "Restart" [
      "no"
      "on-success"
      "on-failure"
      "on-abnormal"
      "on-abort"
      "always"
    ];

  commonUnitOptions.options = {
    enable = mkOption {
      type = types.bool;
      default = true;
    };
    description = mkOption {
      type = types.singleLineStr;
      default = "";
    };
    documentation = mkOption {
      type = types.listOf types.str;
      default = [ ];
    };
    requires = unitNames;
    wants = unitNames;
    after = unitNames;
    before = unitNames;
    bindsTo = unitNames;
    partOf = unitNames;
    conflicts = unitNames;
    requisite = unitNames;
    onFailure = unitNames;
    wantedBy = unitNames;
    requiredBy = unitNames;
    unitConfig = mkOption {
      type = types.attrsOf unitOption;
      default = { };
    };
  };
  stage2CommonUnitOptions.imports = [ commonUnitOptions ];

  lines = mkOption {
    type = types.lines;
    default = "";
  };
  serviceOptions =
    { name, config, ... }:
    {
      options = {
        environment = mkOption {
          type = types.attrsOf (
            types.nullOr (
              types.oneOf [
                types.str
                types.path
                types.package
              ]
            )
          );
          default = { };
        };
        path = mkOption {
          type = types.listOf (
            types.oneOf [
              types.package
              types.str
            ]
          );
          default = [ ];
        };
        serviceConfig = mkOption {
          type = types.addCheck (types.attrsOf unitOption) checkService;
          default = { };
        };
        script = lines;
        scriptArgs = mkOption {
          type = types.str;
          default = "";
        };
        preStart = lines;
        postStart = lines;
        preStop = lines;
        postStop = lines;
      };
      config = lib.mkMerge [
        (lib.mkIf (config.preStart != "") {
          serviceConfig.ExecStartPre = [ (makeJobScript "${name}-pre-start" config.preStart) ];
        })
        (lib.mkIf (config.script != "") {
          serviceConfig.ExecStart =
            makeJobScript "${name}-start" config.script + " " + config.scriptArgs;
        })
        (lib.mkIf (config.postStart != "") {
          serviceConfig.ExecStartPost = [ (makeJobScript "${name}-post-start" config.postStart) ];
        })
        (lib.mkIf (config.preStop != "") {
          serviceConfig.ExecStop = makeJobScript "${name}-pre-stop" config.preStop;
        })
        (lib.mkIf (config.postStop != "") {
          serviceConfig.ExecStopPost = makeJobScript "${name}-post-stop" config.postStop;
        })
      ];
    };
  stage2ServiceOptions.imports = [
    stage2CommonUnitOptions
    serviceOptions
  ];

  unitConfig =
    { config, ... }:
    {
      config.unitConfig =
        let
          list = key: values: lib.optionalAttrs (values != [ ]) { ${key} = toString values; };
        in
        list "Requires" config.requires
        // list "Wants" config.wants
        // list "After" config.after
        // list "Before" config.before
        // list "BindsTo" config.bindsTo
        // list "PartOf" config.partOf
        // list "Conflicts" config.conflicts
        // list "Requisite" config.requisite
        // lib.optionalAttrs (config.description != "") { Description = config.description; }
        // list "Documentation" config.documentation
        // list "OnFailure" config.onFailure;
    };

  serviceConfig =
    { config, ... }:
    {
      config.environment.PATH = lib.mkIf (
        config.path != [ ]
      ) "${lib.makeBinPath config.path}:${lib.makeSearchPathOutput "bin" "sbin" config.path}";
    };
  stage2ServiceConfig = {
    imports = [ serviceConfig ];
    # NixOS's default path, after the unit's own.
    config.path = lib.mkAfter [
      pkgs.coreutils
      pkgs.findutils
      pkgs.gnugrep
      pkgs.gnused
      cfg.package
    ];
  };
in
{
  options.systemd = {
    package = mkOption {
      type = types.package;
      default = pkgs.systemd;
    };
    services = mkOption {
      type = types.attrsOf (
        types.submodule [
          stage2ServiceOptions
          unitConfig
          stage2ServiceConfig
        ]
      );
      default = { };
    };
    targets = mkOption {
      type = types.attrsOf (
        types.submodule [
          stage2CommonUnitOptions
          unitConfig
        ]
      );
      default = { };
    };
    # systemd-unit-options.nix's timerOptions: the [Timer] section as timerConfig.
    timers = mkOption {
      type = types.attrsOf (
        types.submodule [
          stage2CommonUnitOptions
          {
            options.timerConfig = mkOption {
              type = types.attrsOf unitOption;
              default = { };
            };
          }
          unitConfig
        ]
      );
      default = { };
    };
  };
}
