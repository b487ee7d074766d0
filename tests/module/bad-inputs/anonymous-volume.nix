{
  compositions.cache.services.redis = {
    image = "docker.io/library/redis:7";
    volumes = [ "/data" ];
  };
  warnings = [
    "khepri.compositions.cache.services.redis.volumes[0]: anonymous volume /data: oci-containers removes the container, and with it this volume, on every stop (compose keeps it); declare a named volume to keep its data"
  ];
}
