{
  compositions.app = {
    secrets.token = {
      external = true;
      environment = "TOKEN";
    };
    services.web = {
      image = "example/web:1";
      secrets = [ "token" ];
    };
  };
  assertions = [
    "khepri.compositions.app.secrets.token.environment: compose's environment is not supported: environment takes the secret from the shell running compose, which khepri has not; write it to a file (sops-nix, agenix) and set file"
    "khepri.compositions.app.secrets.token.external: compose's external is not supported: external secrets live in swarm's secret store, which a single engine has not; give the secret a file (sops-nix, agenix)"
  ];
}
