{
  backend = "podman";
  compositions.app.services.web = {
    image = "example/web:1";
    volumes = [
      {
        type = "bind";
        source = "/srv/www";
        target = "/www";
        readOnly = true;
        bind.recursive = "writable";
      }
      {
        type = "volume";
        target = "/cache";
        volume.labels = [ "role=cache" ];
      }
    ];
  };
  assertions = [
    "khepri.compositions.app.services.web.volumes[0].bind.recursive: podman's --mount cannot make a read-only mount's submounts writable; use \"enabled\" or \"disabled\""
    "khepri.compositions.app.services.web.volumes[1].volume.labels: podman's --mount has no volume labels; mount a named volume, labelled in khepri.compositions.app.volumes, instead"
  ];
  warnings = [
    "khepri.compositions.app.services.web.volumes[1]: anonymous volume /cache: oci-containers removes the container, and with it this volume, on every stop (compose keeps it); declare a named volume to keep its data"
  ];
}
