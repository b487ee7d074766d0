# A generated host of `services` services (compositions of ten, each service with an
# image, two environment variables, a label, a named volume, a port, two networks, a
# dependency and a restart policy), expanded through the NixOS module or through
# lib.expand and its nixosModule. The result forces what a NixOS host reads of it, typed
# by NixOS's options (the module tier's fixture): containers, systemd units and targets,
# assertions, warnings and /etc. `salt` changes the request, so the expansion is rebuilt.
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

  viaLib = evalHost [
    backend
    ((import ../nixlib { inherit lib; }).expand {
      inherit pkgs compositions package;
      backend = "docker";
    }).nixosModule
  ];

  config = if via == "module" then viaModule else viaLib;
  result = {
    inherit (config.virtualisation.oci-containers) containers;
    inherit (config.systemd) services targets;
    inherit (config) warnings;
    assertions = map (a: a.message) (builtins.filter (a: !a.assertion) config.assertions);
    etc = lib.mapAttrs (_: f: f.text) config.environment.etc;
  };
in
builtins.deepSeq result (builtins.length (builtins.attrNames result.containers))
