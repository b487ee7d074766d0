# sparseSubmodule module (sparseSubmoduleWith { module, aliases }): a submodule type whose
# value holds only the options its definitions set.
#
# A service declares about 95 options, the whole compose specification. As a
# types.submodule, every service would be a module evaluation that merges all of them,
# defaults included, and the request would carry every key: some 10,000 thunks for a
# service that sets only `image`. This type checks and merges only the keys that are
# defined, each with its option's declared type, and leaves the others out; the plugin
# applies their defaults, which are the options' (docs/options.md shows them). So an
# unset option is no attribute of the value: read it with `or` and the documented default.
#
# What the module system checks is still checked, in its words: a key that is no option
# fails as "The option `…' does not exist", a value of another type as "A definition for
# option `…' is not of type …", a required option left unset as "… has no value defined".
# A definition of plain data (no mkIf, mkMerge or mkOverride inside) is checked by a fast
# path that walks it along the option's type; anything else (properties, a key defined in
# several places, a value the fast path refuses) is merged by the module system's own
# mergeDefinitions, which gives its exact result or error. A definition in module syntax
# (a function, a path, or `imports`, `config` or `options` where no option has that name)
# is evaluated by types.submodule, whole.
#
# getSubOptions is the submodule's: the documentation and the schema test see every
# declaration.
{ lib }:
let
  inherit (builtins)
    all
    any
    attrNames
    concatMap
    filter
    head
    intersectAttrs
    isAttrs
    isList
    length
    mapAttrs
    removeAttrs
    ;

  # The fast path's answer when it leaves a value to the module system.
  failed = {
    __khepriNotOnFastPath = true;
  };
  isFailed = v: isAttrs v && v ? __khepriNotOnFastPath;

  isProperty = v: isAttrs v && v ? _type;

  # What compile makes of a type: { pure = true; ok = value -> bool; } when the merge of
  # one definition of a value of that type is the value itself, or { pure = false; run =
  # value -> merged value or `failed`; }.
  runOf = c: if c.pure then (v: if c.ok v then v else failed) else c.run;

  # Types whose check is the whole check, and whose merge of one definition is its value.
  leaves = [
    "bool"
    "enum"
    "float"
    "int"
    "path"
    "str"
    "unsignedInt"
  ];

  # compile type: the fast path for values of `type`, or none (the module system merges).
  # Each type chooses as the module system does: either by its left type's check,
  # coercedTo by its coerced type's check, then the coercion (only this file's coercedTo
  # shows it).
  compile =
    type:
    let
      name = type.name or "";
      nested = type.nestedTypes or { };
    in
    if type ? khepriFastPath then
      type.khepriFastPath
    else if builtins.elem name leaves then
      {
        pure = true;
        ok = type.check;
      }
    else if name == "package" then
      {
        pure = true;
        ok = lib.isDerivation;
      }
    else if name == "nullOr" then
      let
        c = compile nested.elemType;
        run = runOf c;
      in
      if c.pure then
        {
          pure = true;
          ok = v: v == null || c.ok v;
        }
      else
        {
          pure = false;
          run = v: if v == null then null else run v;
        }
    else if name == "listOf" then
      let
        c = compile nested.elemType;
      in
      if c.pure then
        {
          pure = true;
          ok = v: isList v && all c.ok v;
        }
      else
        {
          pure = false;
          run =
            v:
            if !isList v then
              failed
            else
              let
                r = map c.run v;
              in
              if any isFailed r then failed else r;
        }
    else if name == "attrsOf" then
      let
        c = compile nested.elemType;
      in
      if c.pure then
        {
          pure = true;
          ok = v: isAttrs v && !(v ? _type) && all (n: c.ok v.${n}) (attrNames v);
        }
      else
        {
          pure = false;
          run =
            v:
            if !isAttrs v || v ? _type then
              failed
            else
              let
                r = mapAttrs (_: c.run) v;
              in
              if any (n: isFailed r.${n}) (attrNames r) then failed else r;
        }
    else if name == "either" then
      let
        inherit (nested) left right;
        l = compile left;
        r = compile right;
        runL = runOf l;
        runR = runOf r;
      in
      if l.pure && r.pure then
        {
          pure = true;
          ok =
            v:
            if left.check v then
              l.ok v
            else
              right.check v && r.ok v;
        }
      else
        {
          pure = false;
          run =
            v:
            if left.check v then
              runL v
            else if right.check v then
              runR v
            else
              failed;
        }
    else if name == "coercedTo" && type ? khepriCoerce then
      let
        from = nested.coercedType;
        run = runOf (compile nested.finalType);
      in
      {
        pure = false;
        run = v: if from.check v then run (type.khepriCoerce v) else run v;
      }
    else
      {
        pure = false;
        run = _: failed;
      };

  # The definitions of a set of options (`podman = mkIf c { user = …; }`) as the module
  # system reads them: mkMerge splits, mkIf and mkOverride move onto each option.
  pushDown =
    v:
    let
      onEach = f: map (c: if isAttrs c then mapAttrs (_: f) c else c);
    in
    if v._type or "" == "merge" then
      concatMap pushDown v.contents
    else if v._type or "" == "if" then
      onEach (lib.mkIf v.condition) (pushDown v.content)
    else if v._type or "" == "override" then
      onEach (lib.mkOverride v.priority) (pushDown v.content)
    else
      [ v ];

  # Keys that make an attribute set a module rather than a value, unless an option has
  # that name (the log driver's `options`, ipam's `config`).
  moduleKeys = [
    "_file"
    "_module"
    "config"
    "disabledModules"
    "imports"
    "key"
    "options"
  ];

  sparseSubmoduleWith =
    {
      # The declarations: a module, as types.submodule takes.
      module,
      # Other names of options, { from = "to"; }: documented as aliases, merged into `to`.
      aliases ? { },
    }:
    let
      full = lib.types.submodule (
        [ module ] ++ lib.mapAttrsToList (from: to: lib.mkAliasOptionModule [ from ] [ to ]) aliases
      );
      aliasNames = attrNames aliases;

      # The declarations, read once for every value of the type: per name,
      # { option, run } or { namespace } for a set of options (`podman.user`).
      setOf =
        options: aliases:
        let
          entries = mapAttrs (
            _: o:
            if lib.isOption o then
              let
                apply = o.apply or lib.id;
                fast = compile o.type;
                run = runOf fast;
              in
              {
                option = o;
                inherit apply;
                pure = !(o ? apply) && fast.pure;
                run =
                  if o ? apply then
                    v:
                    let
                      r = run v;
                    in
                    if isFailed r then r else apply r
                  else
                    run;
              }
            else
              { namespace = setOf o { }; }
          ) (removeAttrs options [ "_module" ]);
          names = attrNames entries;
        in
        {
          inherit entries aliases;
          # Every name a definition may set.
          known = attrNames (entries // aliases);
          required = filter (n: entries.${n} ? option && !(entries.${n}.option ? default)) names;
          pure = all (n: entries.${n}.pure or false) names;
        };
      top = setOf (lib.evalModules { modules = [ module ]; }).options aliases;

      isModuleSyntax = v: !isAttrs v || any (k: v ? ${k} && !(top.entries ? ${k})) moduleKeys;

      # The module system's message, with its suggestions of like names.
      unknownError =
        loc: set: file: value: n:
        let
          distance = lib.strings.levenshtein n;
          candidates =
            if lib.length set.known < 100 then
              set.known
            else
              filter (lib.strings.levenshteinAtMost 2 n) set.known;
          suggestions =
            if lib.strings ? levenshteinAtMost && lib ? sortOn then
              lib.take 3 (lib.sortOn distance candidates)
            else
              [ ];
          show = s: "`${lib.showOption (loc ++ [ s ])}'";
        in
        throw (
          "The option ${show n} does not exist. Definition values:${
            lib.options.showDefs [ { inherit file value; } ]
          }"
          + (
            if suggestions == [ ] then
              ""
            else if lib.length suggestions == 1 then
              "\n\nDid you mean ${show (head suggestions)}?"
            else
              "\n\nDid you mean ${lib.concatMapStringsSep ", " show (lib.init suggestions)} or ${
                show (lib.last suggestions)
              }?"
          )
        );

      unsetError =
        loc: n:
        throw "The option `${
          lib.showOption (loc ++ [ n ])
        }' was accessed but has no value defined. Try setting the option.";

      # The merge of one name's definitions, or `failed` when none is left (mkIf false).
      mergeKey =
        loc: entry: defs:
        if entry ? namespace then
          mergeSet loc entry.namespace (
            concatMap (
              def:
              map (value: {
                inherit (def) file;
                inherit value;
              }) (pushDown def.value)
            ) defs
          )
        else
          let
            fast =
              if length defs == 1 && !isProperty (head defs).value then
                entry.run (head defs).value
              else
                failed;
            merged = lib.modules.mergeDefinitions loc entry.option.type defs;
          in
          if !isFailed fast then
            fast
          else if merged.isDefined then
            entry.apply merged.mergedValue
          else
            failed;

      # mergeSet loc set defs: what the definitions set, name by name, an alias's
      # definitions with its option's.
      mergeSet =
        loc: set: defs:
        let
          notSet = filter (def: !isAttrs def.value) defs;
          unknown = concatMap (
            def:
            map (name: {
              inherit (def) file;
              inherit name;
              value = def.value.${name};
            }) (attrNames (removeAttrs def.value set.known))
          ) defs;
          byName = lib.groupBy (e: e.name) (
            concatMap (
              def:
              lib.mapAttrsToList (n: value: {
                name = set.aliases.${n} or n;
                def = {
                  inherit (def) file;
                  inherit value;
                };
              }) def.value
            ) defs
          );
          merged = mapAttrs (
            n: es: mergeKey (loc ++ [ n ]) set.entries.${n} (map (e: e.def) es)
          ) byName;
          result = removeAttrs merged (filter (n: isFailed merged.${n}) (attrNames merged));
          unset = filter (n: !(result ? ${n})) set.required;
        in
        if notSet != [ ] then
          let
            def = head notSet;
            path = lib.concatStringsSep "." loc;
          in
          throw ''
            In module `${def.file}', you're trying to define a value of type `${builtins.typeOf def.value}'
            rather than an attribute set for the option
            `${path}'!

            This usually happens if `${path}' has option
            definitions inside that are not matched. Please check how to properly define
            this option by e.g. referring to `man 5 configuration.nix'!
          ''
        else if unknown != [ ] then
          let
            u = head unknown;
          in
          unknownError loc set u.file u.value u.name
        else if unset != [ ] then
          unsetError loc (head unset)
        else
          result;

      # One definition that uses no alias: the common case.
      mergeOne =
        loc: def:
        let
          v = def.value;
          unknown = attrNames (removeAttrs v top.known);
          merged = mapAttrs (
            n: value:
            mergeKey (loc ++ [ n ]) top.entries.${n} [
              {
                inherit (def) file;
                inherit value;
              }
            ]
          ) v;
          undefined = filter (n: isProperty v.${n} && isFailed merged.${n}) (attrNames v);
          result = if undefined == [ ] then merged else removeAttrs merged undefined;
          unset = filter (n: !(result ? ${n})) top.required;
        in
        if unknown != [ ] then
          unknownError loc top def.file v.${head unknown} (head unknown)
        else if unset != [ ] then
          unsetError loc (head unset)
        else
          result;

      # The fast path for a value of this type inside another option's value: the
      # merged value, or `failed` for anything the module system must see.
      runSet =
        set: v:
        if
          !isAttrs v
          || v ? _type
          || removeAttrs v set.known != { }
          || any (n: !(v ? ${n})) set.required
        then
          failed
        else
          let
            r = mapAttrs (
              n: x:
              let
                entry = set.entries.${n};
              in
              if entry ? namespace then runSet entry.namespace x else entry.run x
            ) v;
          in
          if any (n: isFailed r.${n}) (attrNames v) then failed else r;
      runTop =
        v: if isModuleSyntax v || intersectAttrs aliases v != { } then failed else runSet top v;
    in
    lib.types.mkOptionType {
      name = "sparseSubmodule";
      description = "submodule";
      inherit (full) check getSubOptions;
      merge =
        loc: defs:
        if any (def: isModuleSyntax def.value) defs then
          removeAttrs (full.merge loc defs) aliasNames
        else if length defs == 1 && intersectAttrs aliases (head defs).value == { } then
          mergeOne loc (head defs)
        else
          mergeSet loc top defs;
      emptyValue = {
        value = { };
      };
    }
    // {
      khepriFastPath =
        if top.pure then
          {
            pure = true;
            ok = v: !isFailed (runTop v);
          }
        else
          {
            pure = false;
            run = runTop;
          };
    };
in
{
  inherit sparseSubmoduleWith;
  sparseSubmodule = module: sparseSubmoduleWith { inherit module; };

  # coercedTo from coerce to: lib.types.coercedTo, with its coercion where the fast path
  # can apply it (lib's keeps it to itself).
  coercedTo =
    from: coerce: to:
    lib.types.coercedTo from coerce to // { khepriCoerce = coerce; };
}
