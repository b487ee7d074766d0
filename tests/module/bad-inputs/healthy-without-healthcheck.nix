{
  compositions.app.services = {
    db.image = "docker.io/library/postgres:15";
    web = {
      image = "example/web:1";
      dependsOn.db.condition = "service_healthy";
    };
  };
  assertions = [
    "khepri.compositions.app.services.web.dependsOn.db.condition: service_healthy waits for the healthcheck of service \"db\", which has none; set khepri.compositions.app.services.db.healthcheck.test"
  ];
}
