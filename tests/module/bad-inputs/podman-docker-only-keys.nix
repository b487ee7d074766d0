{
  backend = "podman";
  compositions.app.services.web = {
    image = "example/web:1";
    domainname = "example.org";
    useApiSocket = true;
  };
  assertions = [
    "khepri.compositions.app.services.web.domainname: podman has no equivalent of domainname; set a fully qualified hostname instead"
    "khepri.compositions.app.services.web.useApiSocket: podman has no equivalent of useApiSocket; bind-mount podman's socket in volumes if the container must control the engine"
  ];
}
