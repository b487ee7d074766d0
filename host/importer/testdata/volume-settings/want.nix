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
      backups = {
        name = "app-backups";
        labels."com.example.keep" = "";
      };
      media = {
        driver = "local";
        driverOpts = {
          device = ":/export/media";
          o = "addr=10.0.0.1,rw";
          type = "nfs";
        };
        labels."com.example.backup" = "daily";
      };
      shared = {
        external = true;
        name = "team_shared";
      };
    };
  };
}
