# NixOS VM test: compositions from dockerTools images (a VM has no registry) start
# through their targets: one service reaches another by name, the khepri command sees
# and drives them, and dependsOn conditions hold a service until its dependencies are
# healthy or done.
{
  pkgs,
  module,
  backend,
}:
pkgs.testers.runNixOSTest {
  name = "khepri-${backend}";

  nodes.machine = {
    imports = [ module ];
    virtualisation.oci-containers.backend = backend;
    khepri.compositions = import ./compositions.nix { inherit pkgs; };
  };

  testScript = ''
    machine.wait_for_unit("khepri-hello.target")
    machine.wait_for_unit("${backend}-hello-client.service")
    machine.wait_until_succeeds("${backend} exec hello-client cat /tmp/got | grep hello-from-server")

    with subtest("khepri ps shows both services with their unit and container running"):
        import json
        rows = json.loads(machine.succeed("khepri ps --format json hello"))
        assert [(r["service"], r["container"], r["unit"], r["unitState"], r["state"]) for r in rows] == [
            ("client", "hello-client", "${backend}-hello-client.service", "active", "running"),
            ("server", "hello-server", "${backend}-hello-server.service", "active", "running"),
        ], rows
        machine.succeed("khepri ps | grep -E '^hello +server +hello-server +active +running '")

    with subtest("khepri restart restarts the server's unit through systemd and waits for it"):
        started = "${backend} container inspect --format '{{.State.StartedAt}}' hello-server"
        before = machine.succeed(started).strip()
        out = machine.succeed("khepri restart hello server")
        assert "hello/server" in out and "running" in out, out
        after = machine.succeed(started).strip()
        assert before != after, f"hello-server was not restarted: started {before}, then {after}"
        machine.succeed("systemctl is-active ${backend}-hello-server.service")

    with subtest("khepri logs and exec reach the composition's containers"):
        machine.succeed("khepri logs hello client --tail 5")
        machine.succeed("khepri exec hello client -- cat /tmp/got | grep hello-from-server")

    with subtest("khepri names an unknown composition and lists the known ones"):
        err = machine.fail("khepri ps nextcloud 2>&1")
        assert 'unknown composition "nextcloud"; known: hello' in err, err

    with subtest("service_healthy and service_completed_successfully hold app back until then"):
        machine.wait_for_unit("khepri-chain.target")
        machine.wait_for_unit("${backend}-chain-app.service")
        machine.succeed("${backend} exec chain-app cat /tmp/db | grep db-ready")
        machine.succeed("systemctl is-active ${backend}-chain-init.service")
        status = machine.succeed("${backend} container inspect --format '{{.State.ExitCode}}' chain-init").strip()
        assert status == "0", f"init exited with {status}"

    with subtest("stopping the target stops the stack and removes its network"):
        machine.systemctl("stop khepri-hello.target")
        machine.wait_until_fails("${backend} container inspect hello-server")
        machine.fail("${backend} network inspect hello_default")
  '';
}
