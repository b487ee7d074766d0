{ ... }:
{
  khepri.compositions.volume-settings = {
    services.app = {
      image = "example/app";
      volumes = [
        "media:/media"
        "backups:/backups"
        "shared:/shared"
      ];
    };
    volumes = {
      media = {
        driver = "local";
        driverOpts = {
          type = "nfs";
          o = "addr=10.0.0.1,rw";
          device = ":/export/media";
        };
        labels = [ "com.example.backup=daily" ];
      };
      backups = {
        name = "app-backups";
        labels."com.example.keep" = "";
      };
      shared = {
        external = true;
        name = "team_shared";
      };
    };
  };
}
