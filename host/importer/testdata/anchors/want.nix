{ ... }:
{
  khepri.compositions.anchors.services = {
    one = {
      image = "example/app:3";
      labels."com.example.team" = "platform";
      restart = "unless-stopped";
    };
    two = {
      image = "example/app:3";
      labels."com.example.role" = "secondary";
      restart = "unless-stopped";
    };
  };
}
