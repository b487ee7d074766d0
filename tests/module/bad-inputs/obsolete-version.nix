{
  compositions.app = {
    version = "3.8";
    services.web.image = "example/web:1";
  };
  warnings = [
    "khepri.compositions.app.version: version \"3.8\" is obsolete: compose ignores it, and so does khepri; remove it"
  ];
}
