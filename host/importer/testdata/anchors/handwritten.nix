{ ... }:
let
  common = {
    image = "example/app:3";
    restart = "unless-stopped";
  };
in
{
  khepri.compositions.anchors.services = {
    one = common // {
      labels."com.example.team" = "platform";
    };
    two = common // {
      labels."com.example.role" = "secondary";
    };
  };
}
