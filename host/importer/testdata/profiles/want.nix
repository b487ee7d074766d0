{ ... }:
{
  khepri.compositions.profiles = {
    services = {
      admin = {
        image = "example/admin";
        profiles = [ "admin" ];
      };
      app.image = "example/app";
      debug = {
        image = "example/debugger";
        profiles = [ "debug" ];
      };
    };
    profiles = [ "debug" ];
  };
}
