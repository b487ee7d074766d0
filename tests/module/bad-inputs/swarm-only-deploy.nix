{
  compositions.app.services.web = {
    image = "example/web:1";
    deploy.placement.constraints = [ "node.role == manager" ];
  };
  warnings = [
    "khepri.compositions.app.services.web.deploy.placement: deploy.placement is a swarm setting; a single engine has no use for it, so it has no effect"
  ];
}
