# Host-level networks and volumes, shared by compositions that use them as external.
{ lib, evalHost, ... }:
let
  host = evalHost [
    { virtualisation.oci-containers.backend = "docker"; }
    ../../../examples/caddy.nix
    ../../../examples/paperless.nix
    ../../../examples/proxy-network.nix
  ];
  units = host.systemd.services;
  proxyUnit = "khepri-network-proxy_net.service";
in
{
  "test: a host-level network gets its own unit, started at boot" = {
    expr = {
      inherit (units.khepri-network-proxy_net) wantedBy partOf;
      creates = lib.hasInfix "docker network create proxy_net" units.khepri-network-proxy_net.script;
    };
    expected = {
      wantedBy = [ "multi-user.target" ];
      partOf = [ ];
      creates = true;
    };
  };
  "test: containers on the shared network are ordered after and require its unit" = {
    expr = map (u: builtins.elem proxyUnit units.${u}.after && builtins.elem proxyUnit units.${u}.requires) [
      "docker-caddy-caddy"
      "docker-paperless_web"
    ];
    expected = [
      true
      true
    ];
  };
  "test: a container not on the shared network does not wait for it" = {
    expr = builtins.elem proxyUnit units.docker-paperless-db.after;
    expected = false;
  };
}
