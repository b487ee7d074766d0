{ ... }:
{
  khepri.compositions.profiles-all = {
    profiles = [
      "admin"
      "debug"
    ];
    services = {
      app.image = "example/app";
      debug = {
        image = "example/debugger";
        profiles = [ "debug" ];
      };
      admin = {
        image = "example/admin";
        profiles = [ "admin" ];
      };
    };
  };
}
