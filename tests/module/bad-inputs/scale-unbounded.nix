{
  compositions.app.services.worker = {
    image = "example/worker:1";
    scale = 100000;
  };
  assertions = [
    "khepri.compositions.app.services.worker.scale: scale = 100000 is more than khepri runs of one service, at most 100: each replica is a container and a systemd unit that NixOS evaluates; lower scale"
  ];
}
