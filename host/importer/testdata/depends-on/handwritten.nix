{ ... }:
{
  khepri.compositions.depends-on.services = {
    db.image = "postgres:15";
    cache.image = "redis:7";
    web = {
      image = "nginx";
      dependsOn.db = { };
      dependsOn.cache = { };
    };
    worker = {
      image = "example/worker";
      dependsOn = {
        db.restart = true;
        cache.required = false;
      };
    };
  };
}
