{
  compositions.app.services.web = {
    image = "example/web:1";
    envFile = [
      "app.env"
      {
        path = "/run/secrets/app.env";
        format = "yaml";
      }
    ];
  };
  assertions = [
    "khepri.compositions.app.services.web.envFile[0]: environment file \"app.env\" must be an absolute path (a runtime path or a Nix path); khepri has no project directory"
    "khepri.compositions.app.services.web.envFile[1].format: format \"yaml\" is not an env_file format: leave it unset for compose's syntax (quotes, comments, \${VAR}), or set \"raw\" to take the lines literally"
  ];
}
