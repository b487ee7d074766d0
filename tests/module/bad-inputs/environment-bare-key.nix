{
  compositions.app.services = {
    web = {
      image = "example/web:1";
      environment = [
        "A=1"
        "DATABASE_URL"
      ];
    };
    worker = {
      image = "example/worker:1";
      environment.TOKEN = null;
    };
  };
  assertions = [
    "khepri.compositions.app.services.web.environment.DATABASE_URL: DATABASE_URL has no value: compose would take it from the shell running compose, and a NixOS evaluation has no such environment; write DATABASE_URL=value, or set it in an envFile"
    "khepri.compositions.app.services.worker.environment.TOKEN: TOKEN has no value: compose would take it from the shell running compose, and a NixOS evaluation has no such environment; write TOKEN=value, or set it in an envFile"
  ];
}
