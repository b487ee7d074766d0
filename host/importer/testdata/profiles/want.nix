{ ... }:
{
  khepri.compositions.profiles.services = {
    app.image = "example/app";
    debug.image = "example/debugger";
  };
}
