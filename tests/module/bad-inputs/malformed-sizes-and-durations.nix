{
  compositions.bad.services.web = {
    image = "example/web:1";
    stopGracePeriod = "soon";
    shmSize = "lots";
    memLimit = "1zb";
    healthcheck = {
      test = [
        "CMD"
        "true"
      ];
      interval = "often";
    };
  };
  assertions = [
    "khepri.compositions.bad.services.web.healthcheck.interval: invalid duration \"often\"; use a compose duration: a number with a unit (h, m, s, ms, us, ns), such as 10s, 1m30s or 500ms"
    "khepri.compositions.bad.services.web.memLimit: invalid byte size \"1zb\"; use a number of bytes or a compose byte size: a number with a unit b, k, m or g (kb, mb, gb; 1024-based), such as 512m or 1.5gb"
    "khepri.compositions.bad.services.web.shmSize: invalid byte size \"lots\"; use a number of bytes or a compose byte size: a number with a unit b, k, m or g (kb, mb, gb; 1024-based), such as 512m or 1.5gb"
    "khepri.compositions.bad.services.web.stopGracePeriod: invalid duration \"soon\"; use a compose duration: a number with a unit (h, m, s, ms, us, ns), such as 10s, 1m30s or 500ms"
  ];
}
