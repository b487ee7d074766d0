{
  compositions.app.services.web = {
    image = "example/web:1";
    volumes = [
      {
        type = "npipe";
        source = "\\\\.\\pipe\\docker_engine";
        target = "/pipe";
      }
    ];
  };
  assertions = [
    "khepri.compositions.app.services.web.volumes[0].type: type \"npipe\" mounts a Windows named pipe, which Linux engines do not have"
  ];
}
