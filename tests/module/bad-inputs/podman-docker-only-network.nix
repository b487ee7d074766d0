{
  backend = "podman";
  compositions.app = {
    networks.front.ipam.config = [
      {
        subnet = "172.28.0.0/16";
        auxAddresses.router = "172.28.1.5";
      }
    ];
    services.web = {
      image = "example/web:1";
      networks.front.gwPriority = 1;
    };
  };
  assertions = [
    "khepri.compositions.app.networks.front.ipam.config[0].auxAddresses: podman has no auxiliary addresses (docker's --aux-address); remove them or use docker"
    "khepri.compositions.app.services.web.networks.front.gwPriority: podman has no gateway priority; the first network (highest priority) gives the default route: use priority instead"
  ];
}
