let
  # 2^17 bytes: with KEY= and the terminating NUL, past the kernel's 131072.
  double = s: s + s;
  big = builtins.foldl' (s: _: double s) "v" (builtins.genList (x: x) 17);
in
{
  compositions.app.services.web = {
    image = "example/web:1";
    environment.CERT = big;
    labels.note = big;
  };
  assertions = [
    "khepri.compositions.app.services.web.environment.CERT: \"CERT=vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv\"… is 131078 bytes as one argument (with its terminating NUL), over the kernel's limit of 131072 (MAX_ARG_STRLEN), so the command would fail with \"Argument list too long\"; the container's own environment has the same limit, so envFile cannot carry it either: keep a value this large in a file the container reads (secrets, configs or a bind mount)"
    "khepri.compositions.app.services.web.labels.note: \"note=vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv\"… is 131078 bytes as one argument (with its terminating NUL), over the kernel's limit of 131072 (MAX_ARG_STRLEN), so the command would fail with \"Argument list too long\"; set it in a labelFile, which the engine reads when the container starts"
  ];
}
