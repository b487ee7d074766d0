{ ... }:
{
  khepri.compositions.profiles = {
    profiles = [ "debug" ];
    services = {
      app.image = "example/app";
      debug = {
        image = "example/debugger";
        profiles = [ "debug" ];
      };
      # Defined, and run by adding "admin" to profiles.
      admin = {
        image = "example/admin";
        profiles = [ "admin" ];
      };
    };
  };
}
