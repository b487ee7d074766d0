{
  backend = "podman";
  compositions.app.services.web = {
    image = "example/web:1";
    stopSignal = "65";
    dns = [
      "1.1.1.1"
      "none"
    ];
    devices = [ "/dev/sda:xvda" ];
  };
  assertions = [
    "khepri.compositions.app.services.web.devices[0]: invalid device \"/dev/sda:xvda\": \"xvda\" is neither an absolute path in the container nor permissions; permissions are r (read), w (write) and m (mknod), each at most once, such as rwm or r"
    "khepri.compositions.app.services.web.dns[1]: dns \"none\" gives the container no DNS servers, so it cannot be listed with others"
    "khepri.compositions.app.services.web.stopSignal: invalid signal \"65\": signal numbers run from 1 to 64"
  ];
}
