{ ... }:
{
  khepri.compositions.image.services = {
    web = {
      image = "docker.io/library/nginx:1.27";
      containerName = "front";
      restart = "unless-stopped";
    };
    worker = {
      image = "example/worker:2";
      restart = "on-failure:3";
    };
  };
}
