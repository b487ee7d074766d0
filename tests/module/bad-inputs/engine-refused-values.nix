{
  compositions.app = {
    networks.front.labels."has space" = "x";
    volumes.data.labels."tab\there" = "x";
    services.web = {
      image = "example/web:1";
      stopSignal = "SIGFOO";
      dns = [ "not-an-ip" ];
      labels."my label" = "x";
      devices = [ "/dev/sda:/dev/xvda:rwx" ];
      deviceCgroupRules = [ "c 1:3 rwq" ];
      networks = [ "front" ];
      volumes = [ "data:/data" ];
    };
  };
  assertions = [
    "khepri.compositions.app.networks.front.labels.\"has space\": invalid label name \"has space\": docker refuses spaces and tabs in label names"
    "khepri.compositions.app.services.web.deviceCgroupRules[0]: invalid device cgroup rule \"c 1:3 rwq\": use \"type major:minor permissions\", with type a, b or c, numbers or * and permissions of r, w and m, such as \"c 1:3 mr\" or \"a *:* rwm\""
    "khepri.compositions.app.services.web.devices[0]: invalid device \"/dev/sda:/dev/xvda:rwx\": invalid permissions \"rwx\"; permissions are r (read), w (write) and m (mknod), each at most once, such as rwm or r"
    "khepri.compositions.app.services.web.dns[0]: invalid DNS server \"not-an-ip\": use an IP address, such as 1.1.1.1 or 2606:4700:4700::1111"
    "khepri.compositions.app.services.web.labels.\"my label\": invalid label name \"my label\": docker refuses spaces and tabs in label names"
    "khepri.compositions.app.services.web.stopSignal: invalid signal \"SIGFOO\": use a signal name such as SIGTERM, SIGINT or SIGQUIT (with or without SIG), or a number from 1 to 64"
    "khepri.compositions.app.volumes.data.labels.\"tab\\there\": invalid label name \"tab\\there\": docker refuses spaces and tabs in label names"
  ];
}
