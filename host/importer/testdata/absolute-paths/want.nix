{ ... }:
{
  khepri.compositions.absolute-paths.services.app = {
    image = "busybox";
    envFile = "@DIR@/app.env";
    volumes = [ "@DIR@/data:/data" ];
  };
}
