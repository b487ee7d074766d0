{
  compositions = {
    one.services.web = {
      image = "example/web:1";
      containerName = "web";
    };
    two.services.web = {
      image = "example/web:1";
      containerName = "web";
    };
  };
  assertions = [
    "khepri.compositions.two.services.web.containerName: container name \"web\" is already used by khepri.compositions.one.services.web.containerName; container names are unique on a host: set containerName"
  ];
}
