# A generated host of `services` services (compositions of ten, each service with an
# image, two environment variables, a label, a named volume, a port, two networks, a
# dependency and a restart policy), expanded through the NixOS module or through
# lib.expand and its nixosModule, or (via = "oci-containers") only the containers of that
# expansion given to oci-containers, the floor of any design that keeps it. The result
# forces what a NixOS host reads of it, typed by NixOS's options (the module tier's
# fixture): containers, systemd units and targets, assertions, warnings and /etc; with
# via = "expansion", lib.expand's values untyped. `salt` changes the request, so the
# expansion is rebuilt.
{
  # bin/khepri and bin/khepri-expander: a store path (scripts/bench adds them once).
  khepri,
  lib ? import <nixpkgs/lib>,
  services,
  via,
  salt ? "",
}:
let
  inherit (import ../tests/host.nix { inherit khepri lib; }) pkgs package evalHost;
  perComposition = 10;
  composition =
    c:
    let
      index = s: c * perComposition + s;
      name = s: "svc${toString s}";
    in
    {
      networks = [
        "backend"
        "frontend"
      ];
      volumes = map (s: "data${toString s}") (lib.range 0 (perComposition - 1));
      services = lib.listToAttrs (
        map (s: {
          name = name s;
          value = {
            image = "example/app:${toString (index s)}";
            environment = {
              INDEX = index s;
              DATABASE_URL = "postgres://db/app";
            };
            labels.salt = salt;
            volumes = [ "data${toString s}:/var/lib/app:rw" ];
            ports = [ "${toString (20000 + index s)}:8080/tcp" ];
            networks = [
              "backend"
              "frontend"
            ];
            dependsOn = lib.optional (s > 0) (name (s - 1));
            restart = "unless-stopped";
          };
        }) (lib.range 0 (perComposition - 1))
      );
    };
  compositions = lib.listToAttrs (
    map (c: lib.nameValuePair "stack${toString c}" (composition c)) (
      lib.range 0 (services / perComposition - 1)
    )
  );

  backend = {
    virtualisation.oci-containers.backend = "docker";
  };

  viaModule = evalHost [
    backend
    { khepri = { inherit compositions; }; }
  ];

  expanded = (import ../nixlib { inherit lib; }).expand {
    inherit pkgs compositions package;
    backend = "docker";
  };

  viaLib = evalHost [
    backend
    expanded.nixosModule
  ];

  # The floor of any design that keeps oci-containers: the same containers and the units
  # oci-containers makes of them, typed by NixOS, and nothing of khepri's (but reading
  # the expansion they come from).
  containersOnly = evalHost [
    backend
    { virtualisation.oci-containers.containers = expanded.containers; }
  ];

  config =
    {
      module = viaModule;
      "lib.expand" = viaLib;
      oci-containers = containersOnly;
    }
    .${via};
  result =
    if via == "expansion" then
      # lib.expand's values themselves, untyped: what one expansion costs, once, for every
      # host that imports it (each host then types them).
      {
        inherit (expanded)
          containers
          containerUnits
          services
          targets
          assertions
          warnings
          manifest
          ;
      }
    else
      typed;
  typed = {
    inherit (config.virtualisation.oci-containers) containers;
    inherit (config.systemd) services targets;
    inherit (config) warnings;
    assertions = map (a: a.message) (builtins.filter (a: !a.assertion) config.assertions);
    etc = lib.mapAttrs (_: f: f.text) config.environment.etc;
  };
in
{
  forced = builtins.deepSeq result (builtins.length (builtins.attrNames result.containers));
  # What the expander reads, for timing the host and plugin alone.
  inherit (viaModule.khepri) request;
}
