{ ... }:
{
  khepri.compositions.depends-on.services = {
    cache.image = "redis:7";
    db.image = "postgres:15";
    web = {
      image = "nginx";
      dependsOn = [
        "cache"
        "db"
      ];
    };
    worker = {
      image = "example/worker";
      dependsOn = {
        cache.required = false;
        db.restart = true;
      };
    };
  };
}
