{
  compositions.bad = {
    volumes = [ "data" ];
    services.web = {
      image = "example/web:1";
      volumes = [
        "data:relative/target"
        "data:/data:rw,ro"
        ":/nothing"
      ];
      devices = [ "" ];
    };
  };
  assertions = [
    "khepri.compositions.bad.services.web.devices[0]: empty device: use host[:container[:permissions]] or a CDI name such as nvidia.com/gpu=all"
    "khepri.compositions.bad.services.web.volumes[0]: invalid volume \"data:relative/target\": the target \"relative/target\" must be an absolute path in the container; use source:target[:options]"
    "khepri.compositions.bad.services.web.volumes[1]: invalid volume \"data:/data:rw,ro\": options \"rw\" and \"ro\" both set the access mode (ro, rw)"
    "khepri.compositions.bad.services.web.volumes[2]: invalid volume \":/nothing\": empty source; use source:target[:options]"
  ];
}
