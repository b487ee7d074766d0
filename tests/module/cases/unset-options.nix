# A composition's values hold only the options set (nixlib/options/sparse-submodule.nix):
# the request leaves the rest out, the plugin applies the documented defaults, and the
# module system's checks and merges still hold.
{ lib, evalHost, ... }:
let
  docker = {
    virtualisation.oci-containers.backend = "docker";
  };
  hostOf = modules: evalHost ([ docker ] ++ modules);
  requestOf = config: builtins.fromJSON config.khepri.request;
  expanded = config: {
    inherit (config.virtualisation.oci-containers) containers;
    inherit (config.systemd) services targets;
  };

  options = (import ../../../nixlib/options { inherit lib; }).compositions;
  compositionOptions = options.type.nestedTypes.elemType.getSubOptions [ ];
  serviceOptions = compositionOptions.services.type.nestedTypes.elemType.getSubOptions [ ];
  subOptions = opt: opt.type.nestedTypes.finalType.nestedTypes.elemType.getSubOptions [ ];
  # Every option of a set that has a default, set to it.
  defaultsOf =
    opts:
    lib.mapAttrs (_: o: o.default) (
      lib.filterAttrs (
        n: o:
        lib.isOption o
        && o ? default
        && !builtins.elem n [
          "cmd"
          "environmentFiles"
        ]
      ) opts
    );

  stack = {
    networks = [ "back" ];
    volumes = [ "data" ];
    services.db.image = "example/db:1";
    services.web = {
      image = "example/web:1";
      networks = [ "back" ];
      volumes = [ "data:/data" ];
      dependsOn = [ "db" ];
    };
  };
  # The same composition with every option it leaves unset written out as its default.
  stackWithDefaults =
    defaultsOf compositionOptions
    // {
      networks.back = defaultsOf (subOptions compositionOptions.networks);
      volumes.data = defaultsOf (subOptions compositionOptions.volumes);
      services.db = defaultsOf serviceOptions // {
        image = "example/db:1";
      };
      services.web = defaultsOf serviceOptions // {
        image = "example/web:1";
        networks.back = defaultsOf (subOptions serviceOptions.networks);
        volumes = [ "data:/data" ];
        dependsOn.db = defaultsOf (subOptions serviceOptions.dependsOn);
      };
    };

  # Whether evaluating the request of a composition fails (the message is the module
  # system's; tests/module/eval-errors checks it).
  fails =
    composition:
    let
      inherit ((hostOf [ { khepri.compositions.app = composition; } ]).khepri) request;
    in
    !(builtins.tryEval (builtins.deepSeq request true)).success;
in
{
  "test: the request carries only the keys a service sets" = {
    expr = (requestOf (hostOf [ { khepri.compositions.app = stack; } ])).compositions.app;
    expected = {
      networks.back = { };
      volumes.data = { };
      services.db.image = "example/db:1";
      services.web = {
        image = "example/web:1";
        networks.back = { };
        volumes = [ "data:/data" ];
        dependsOn.db = { };
      };
    };
  };

  "test: every option written out as its documented default expands as if unset" =
    let
      plain = hostOf [ { khepri.compositions.app = stack; } ];
      written = hostOf [ { khepri.compositions.app = stackWithDefaults; } ];
    in
    {
      expr = {
        expanded = expanded written;
        # Equal expansions would prove nothing if the defaults were not in the request.
        restart = (requestOf written).compositions.app.services.web.restart;
      };
      expected = {
        expanded = expanded plain;
        restart = "no";
      };
    };

  "test: an alias is merged into its option: cmd is command, environmentFiles is envFile" = {
    expr =
      (requestOf (hostOf [
        {
          khepri.compositions.app.services.web = {
            image = "example/web:1";
            cmd = [ "serve" ];
            environmentFiles = "/run/web.env";
          };
        }
      ])).compositions.app.services.web;
    expected = {
      image = "example/web:1";
      command = [ "serve" ];
      envFile = [ "/run/web.env" ];
    };
  };

  "test: definitions in several modules, mkIf, mkDefault and mkForce merge as the module system merges" =
    {
      expr =
        (requestOf (hostOf [
          {
            khepri.compositions.app = {
              podman = { };
              services.web = {
                image = lib.mkDefault "example/web:1";
                environment.A = "1";
                ports = [ "8080:80" ];
                hostname = lib.mkIf false "web";
                restart = lib.mkForce "always";
              };
            };
          }
          {
            khepri.compositions.app = lib.mkIf true {
              podman.user = lib.mkIf false "alice";
              services.web = {
                image = "example/web:2";
                environment.B = "2";
                ports = [ "8443:443" ];
                restart = "no";
              };
            };
          }
        ])).compositions.app;
      expected = {
        podman = { };
        services.web = {
          image = "example/web:2";
          environment = {
            A = "1";
            B = "2";
          };
          # In the order the module system merges the two definitions.
          ports = [
            "8443:443"
            "8080:80"
          ];
          restart = "always";
        };
      };
    };

  "test: a service written as a module (a function, imports) expands as the attribute set" =
    let
      asModule = hostOf [
        {
          khepri.compositions.app.services.web =
            { lib, ... }:
            {
              imports = [ { environment.A = "1"; } ];
              image = "example/web:1";
              cmd = "serve";
            };
        }
      ];
      asSet = hostOf [
        {
          khepri.compositions.app.services.web = {
            image = "example/web:1";
            environment.A = "1";
            command = "serve";
          };
        }
      ];
    in
    {
      expr = {
        expanded = expanded asModule;
        inherit ((requestOf asModule).compositions.app.services.web) command environment;
      };
      expected = {
        expanded = expanded asSet;
        command = "serve";
        environment.A = "1";
      };
    };

  "test: a key that is no option, a value of the wrong type, or a missing required option fails the evaluation" =
    {
      expr = map fails [
        { services.web.imgae = "example/web:1"; }
        { services.web.image = 1; }
        { services.web.environment.A = [ "1" ]; }
        { services.web.networks.back.aliases = "db"; }
        { services.web.ports = [ { published = 8080; } ]; }
        { podman.usr = "alice"; }
        { services.web.image = "example/web:1"; }
      ];
      expected = [
        true
        true
        true
        true
        true
        true
        false
      ];
    };
}
