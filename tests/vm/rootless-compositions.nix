# The rootless VM test's compositions, run by alice (uid 1500): edge creates the network
# edge in alice's podman, app joins it as external and reaches edge's server by name.
{ pkgs }:
let
  busybox = import ./busybox.nix { inherit pkgs; };
in
{
  edge = {
    podman.user = "alice";
    networks.edge.name = "edge";
    services.server = {
      image = busybox;
      networks = [ "edge" ];
      ports = [ "8080:8080/tcp" ];
      command = [
        "sh"
        "-c"
        "mkdir -p /www && echo hello-from-alice > /www/index.html && exec httpd -f -p 8080 -h /www"
      ];
    };
  };
  app = {
    podman.user = "alice";
    networks.edge.external = true;
    services.client = {
      image = busybox;
      networks = [ "edge" ];
      command = [
        "sh"
        "-c"
        "until wget -qO /tmp/got http://server:8080/; do sleep 1; done; exec sleep 2147483647"
      ];
    };
  };
}
