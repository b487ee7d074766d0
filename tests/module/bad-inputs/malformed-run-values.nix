{
  compositions.app.services.web = {
    image = "example/web:1";
    stopGracePeriod = "10";
    memLimit = "1q";
    healthcheck.interval = "soon";
    pullPolicy = "every_1.5h";
  };
  assertions = [
    "khepri.compositions.app.services.web.healthcheck.interval: invalid duration \"soon\"; use a compose duration: a number with a unit (h, m, s, ms, us, ns), such as 10s, 1m30s or 500ms"
    "khepri.compositions.app.services.web.memLimit: invalid byte size \"1q\"; use a number of bytes or a compose byte size: a number with a unit b, k, m or g (kb, mb, gb; 1024-based), such as 512m or 1.5gb"
    "khepri.compositions.app.services.web.pullPolicy: invalid pull policy \"every_1.5h\": every_<duration> takes whole numbers with units w, d, h, m or s, more than zero in all, such as every_12h or every_1w2d"
    "khepri.compositions.app.services.web.stopGracePeriod: duration \"10\" has no unit; use a compose duration: a number with a unit (h, m, s, ms, us, ns), such as 10s, 1m30s or 500ms"
  ];
}
