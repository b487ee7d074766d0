{ ... }:
{
  khepri.compositions.runtime.services = {
    app = {
      image = "example/app";
      hostname = "app";
      domainname = "example.org";
      user = "1000:1000";
      workingDir = "/srv/app";
      groupAdd = [
        "video"
        "1001"
      ];
      readOnly = true;
      init = true;
      stopSignal = "SIGQUIT";
      stopGracePeriod = "90s";
      tmpfs = [ "/run" ];
      shmSize = 268435456;
      sysctls = [
        "net.core.somaxconn=1024"
        "net.ipv4.tcp_syncookies=0"
      ];
      ulimits = {
        nproc = {
          soft = 65535;
          hard = 65535;
        };
        nofile = {
          soft = 20000;
          hard = 40000;
        };
      };
      securityOpt = [ "no-new-privileges:true" ];
      ipc = "shareable";
      cgroup = "private";
      cgroupParent = "machine.slice";
      links = [ "db:database" ];
      volumesFrom = [ "db:ro" ];
      runtime = "runc";
      platform = "linux/amd64";
      pullPolicy = "always";
      logging = {
        driver = "json-file";
        options = {
          max-size = "10m";
          max-file = "3";
        };
      };
      stdinOpen = true;
      tty = true;
      deviceCgroupRules = [ "c 189:* rmw" ];
      annotations."com.example.owner" = "ops";
      dns = [
        "9.9.9.9"
        "1.1.1.1"
      ];
      dnsOpt = [ "use-vc" ];
      dnsSearch = [ "example.org" ];
      macAddress = "02:42:ac:11:65:43";
      storageOpt.size = "20G";
      expose = [
        "3000"
        "8000-8010/udp"
      ];
    };
    db.image = "postgres:16";
    sidecar = {
      image = "example/sidecar";
      networkMode = "service:app";
      pid = "service:app";
      uts = "host";
      usernsMode = "host";
    };
  };
}
