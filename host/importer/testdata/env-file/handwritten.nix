{ ... }:
{
  khepri.compositions.env-file.services = {
    one = {
      image = "busybox";
      environmentFiles = [ "${toString ./.}/app.env" ];
    };
    two = {
      image = "busybox";
      envFile = [
        (toString ./app.env)
        (toString ./secrets/db.env)
      ];
    };
    three = {
      image = "busybox";
      environmentFiles = [
        {
          path = "${toString ./.}/local.env";
          required = false;
        }
        {
          path = "${toString ./.}/legacy.env";
          required = true;
          format = "raw";
        }
      ];
    };
    four = {
      image = "busybox";
      envFile = [
        {
          path = toString ./local.env;
          required = false;
          format = null;
        }
      ];
    };
  };
}
