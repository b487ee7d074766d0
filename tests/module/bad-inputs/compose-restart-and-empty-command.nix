{
  compositions.app.services = {
    web = {
      image = "example/web:1";
      restart = "always";
      deploy.restartPolicy = {
        condition = "on-failure";
        maxAttempts = 3;
      };
    };
    worker = {
      image = "example/worker:1";
      deploy.restartPolicy.condition = "unless-stopped";
      command = [ ];
    };
  };
  warnings = [
    "khepri.compositions.app.services.web.restart: restart \"always\" is replaced by deploy.restartPolicy, as compose replaces it; remove one of them"
    "khepri.compositions.app.services.worker.command: an empty command means none to the engines, which then run the image's CMD, as they do for docker compose (compose's file format says it runs none); to run the entrypoint without it, set entrypoint, which drops the image's CMD"
  ];
}
