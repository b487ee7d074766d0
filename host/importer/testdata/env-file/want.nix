{ ... }:
{
  khepri.compositions.env-file.services = {
    one = {
      image = "busybox";
      envFile = toString ./app.env;
    };
    two = {
      image = "busybox";
      envFile = [
        (toString ./app.env)
        (toString ./secrets/db.env)
      ];
    };
  };
}
