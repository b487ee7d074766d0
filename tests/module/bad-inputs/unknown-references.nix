{
  compositions.shop.services.web = {
    image = "example/web:1";
    networks = [ "front" ];
    volumes = [ "data:/data" ];
    dependsOn = [ "db" ];
  };
  assertions = [
    "khepri.compositions.shop.services.web.dependsOn.db: service \"db\" is not a service of this composition; dependsOn names services of khepri.compositions.shop.services"
    "khepri.compositions.shop.services.web.networks.front: network \"front\" is not declared in khepri.compositions.shop.networks; declare it there (external = true for a network created outside the composition)"
    "khepri.compositions.shop.services.web.volumes[0]: volume \"data\" is not declared in khepri.compositions.shop.volumes; declare it there, or use an absolute path for a bind mount"
  ];
}
