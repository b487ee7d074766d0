{
  compositions = {
    one.services.web = {
      image = "example/web:1";
      ports = [ "8080:80" ];
    };
    two.services.api = {
      image = "example/api:1";
      ports = [ "127.0.0.1:8080:8000/tcp" ];
    };
  };
  assertions = [
    "khepri.compositions.two.services.api.ports[0]: host port 127.0.0.1:8080/tcp of \"127.0.0.1:8080:8000/tcp\" is already published by khepri.compositions.one.services.web.ports[0] (\"8080:80\"); a host address, port and protocol can be published once on a host"
  ];
}
