{ ... }:
{
  khepri.compositions.scale.services = {
    spare = {
      image = "example/worker";
      scale = 0;
    };
    worker = {
      image = "example/worker";
      expose = [ 8080 ];
      scale = 3;
    };
  };
}
