{ ... }:
{
  khepri.compositions.env-file.services = {
    four = {
      image = "busybox";
      envFile = [
        {
          path = toString ./local.env;
          required = false;
        }
      ];
    };
    one = {
      image = "busybox";
      envFile = toString ./app.env;
    };
    three = {
      image = "busybox";
      envFile = [
        {
          path = toString ./local.env;
          required = false;
        }
        {
          path = toString ./legacy.env;
          format = "raw";
        }
      ];
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
