{
  compositions.app.services.web = {
    image = "example/web:1";
    deploy.resources.reservations.genericResources = [
      {
        discreteResourceSpec = {
          kind = "ssd";
          value = 1;
        };
      }
    ];
  };
  assertions = [
    "khepri.compositions.app.services.web.deploy.resources.reservations.genericResources: compose's generic_resources is not supported: generic resources are advertised by swarm nodes, and swarm's scheduler places a task on a node that has them free, which a single engine does not do; reserve GPUs with devices (capabilities [\"gpu\"]), or give the container a host device with the service's devices"
  ];
}
