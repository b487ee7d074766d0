# A generated host of `services` services (compositions of ten, each service with
# environment, volumes, a port, networks and a dependency), expanded through the NixOS
# module or through lib.expand. `salt` changes the request, so the expansion is rebuilt.
{
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

  viaModule =
    let
      config = evalHost [
        {
          khepri = { inherit compositions; };
          virtualisation.oci-containers.backend = "docker";
        }
      ];
    in
    {
      inherit (config.virtualisation.oci-containers) containers;
      units = config.systemd.services;
      inherit (config.systemd) targets;
    };

  viaLib =
    let
      expansion = (import ../nixlib { inherit lib; }).expand {
        inherit pkgs compositions;
        backend = "docker";
        inherit package;
      };
    in
    {
      inherit (expansion) containers targets;
      units = expansion.services // expansion.containerUnits;
    };

  result = if via == "module" then viaModule else viaLib;
in
builtins.deepSeq result (builtins.length (builtins.attrNames result.containers))
