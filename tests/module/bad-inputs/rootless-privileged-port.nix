{
  backend = "podman";
  hostCheck = true;
  host.users.users.alice = {
    isNormalUser = true;
    uid = 1000;
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
}
