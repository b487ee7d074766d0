{
  backend = "podman";
  hostCheck = true;
  host.users.users.alice = {
    isNormalUser = true;
    uid = 1000;
    # Lingering with sdnotify = "conmon" gives oci-containers' own warning on NixOS.
    linger = false;
  };
  compositions.web = {
    podman.user = "alice";
    services.app = {
      image = "example/app:1";
      ports = [
        "08080:80"
        "0443:443"
      ];
    };
  };
  assertions = [
    "khepri.compositions.web.services.app.ports[1]: 0443:443 publishes a host port below 1024, which rootless podman (as alice) cannot bind: publish a port from 1024 up, lower boot.kernel.sysctl.\"net.ipv4.ip_unprivileged_port_start\", or run the composition rootful."
  ];
  warnings = [
    "khepri.compositions.web.podman.user: users.users.alice.linger is false, so alice's manager, and the rootless compositions with it (web), stop when alice's last session ends."
  ];
}
