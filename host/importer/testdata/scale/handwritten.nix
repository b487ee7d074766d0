{ ... }:
{
  khepri.compositions.scale.services = {
    worker = {
      image = "example/worker";
      scale = 3;
      expose = [ "8080" ];
    };
    spare = {
      image = "example/worker";
      scale = 0;
    };
  };
}
