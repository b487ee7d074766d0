{ ... }:
{
  khepri.compositions.long-volumes = {
    services.app = {
      image = "example/app";
      volumes = [
        {
          type = "volume";
          source = "data";
          target = "/data";
          volume.subpath = "media";
        }
        "cache:/cache:nocopy"
        {
          type = "bind";
          source = toString ./conf;
          target = "/etc/app";
          readOnly = true;
          bind.createHostPath = false;
        }
        "/srv/shared:/shared:rslave,z"
        {
          type = "tmpfs";
          target = "/scratch";
          tmpfs = {
            size = 67108864;
            mode = 1777;
          };
        }
        {
          type = "tmpfs";
          target = "/run/app";
        }
        {
          type = "image";
          source = "example/assets:1";
          target = "/assets";
          image.subpath = "www";
        }
        {
          type = "bind";
          source = "/srv/media";
          target = "/media";
          consistency = "cached";
        }
        {
          type = "bind";
          source = "/srv/nested";
          target = "/nested";
          bind.recursive = "disabled";
        }
        {
          type = "volume";
          target = "/spool";
          volume.labels."com.example.role" = "spool";
        }
      ];
    };
    volumes = {
      data = { };
      cache = { };
    };
  };
}
