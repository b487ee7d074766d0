# NixOS VM test: a two-service composition from dockerTools images (a VM has no
# registry) starts through its target, and one service reaches the other by name.
{
  pkgs,
  module,
  backend,
}:
let
  busybox = pkgs.dockerTools.buildLayeredImage {
    name = "khepri-test/busybox";
    tag = "1";
    contents = [ pkgs.busybox ];
  };
in
pkgs.testers.runNixOSTest {
  name = "khepri-${backend}";

  nodes.machine = {
    imports = [ module ];
    virtualisation.oci-containers.backend = backend;
    khepri.compositions.hello.services = {
      server = {
        image = busybox;
        command = [
          "sh"
          "-c"
          "mkdir -p /www && echo hello-from-server > /www/index.html && exec httpd -f -p 8080 -h /www"
        ];
      };
      client = {
        image = busybox;
        dependsOn = [ "server" ];
        command = [
          "sh"
          "-c"
          "until wget -qO /tmp/got http://server:8080/; do sleep 1; done; exec sleep 2147483647"
        ];
      };
    };
  };

  testScript = ''
    machine.wait_for_unit("khepri-hello.target")
    machine.wait_for_unit("${backend}-hello-client.service")
    machine.wait_until_succeeds("${backend} exec hello-client cat /tmp/got | grep hello-from-server")

    with subtest("stopping the target stops the stack and removes its network"):
        machine.systemctl("stop khepri-hello.target")
        machine.wait_until_fails("${backend} container inspect hello-server")
        machine.fail("${backend} network inspect hello_default")
  '';
}
