# NixOS VM test of rootless podman: two compositions run as alice share a network in
# alice's podman, which root's podman does not see; the khepri command reaches them as
# root, and stopping a target removes what it created from alice's podman.
{
  pkgs,
  module,
}:
pkgs.testers.runNixOSTest {
  name = "khepri-podman-rootless";

  nodes.machine = {
    imports = [ module ];
    virtualisation.oci-containers.backend = "podman";
    users.users.alice = {
      isNormalUser = true;
      uid = 1500;
    };
    khepri.compositions = import ./rootless-compositions.nix { inherit pkgs; };
  };

  testScript = ''
    as_alice = "runuser -u alice -- env XDG_RUNTIME_DIR=/run/user/1500 "

    machine.wait_for_unit("khepri-app.target")
    machine.wait_for_unit("podman-app-client.service")
    machine.wait_until_succeeds(as_alice + "podman exec app-client cat /tmp/got | grep hello-from-alice")

    with subtest("the units ran as alice, in alice's podman only"):
        machine.succeed("systemctl show -p User --value khepri-edge-resources.service | grep -x alice")
        machine.succeed(as_alice + "podman network exists edge")
        machine.fail("podman network exists edge")
        machine.fail("podman container inspect app-client")
        machine.succeed("loginctl show-user alice --property=Linger | grep -x Linger=yes")

    with subtest("the published port answers on the host"):
        machine.wait_until_succeeds("curl -sf http://127.0.0.1:8080/ | grep hello-from-alice")

    with subtest("khepri reaches the rootless containers as root"):
        import json
        rows = json.loads(machine.succeed("khepri ps --format json app edge"))
        assert [(r["service"], r["state"]) for r in rows] == [("client", "running"), ("server", "running")], rows
        machine.succeed("khepri exec app client -- cat /tmp/got | grep hello-from-alice")

    with subtest("stopping a target removes its containers and network from alice's podman"):
        machine.systemctl("stop khepri-app.target")
        machine.wait_until_fails(as_alice + "podman container inspect app-client")
        machine.systemctl("stop khepri-edge.target")
        machine.wait_until_fails(as_alice + "podman network exists edge")
  '';
}
