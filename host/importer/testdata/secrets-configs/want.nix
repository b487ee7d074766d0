{ ... }:
{
  khepri.compositions.secrets-configs = {
    services = {
      db = {
        image = "postgres:16";
        environment.POSTGRES_PASSWORD_FILE = "/run/secrets/db_password";
        secrets = [
          "db_password"
          {
            source = "api_key";
            target = "api.key";
            uid = "999";
            gid = "999";
            mode = "0400";
          }
        ];
      };
      proxy = {
        image = "caddy:2";
        configs = [
          {
            source = "caddyfile";
            target = "/etc/caddy/Caddyfile";
          }
          "motd"
          {
            source = "motd";
            target = "/etc/motd";
            mode = "0444";
          }
        ];
      };
    };
    secrets = {
      api_key = {
        file = "/run/keys/api_key";
        name = "project-api-key";
      };
      db_password.file = toString ./db_password.txt;
    };
    configs = {
      caddyfile.file = ./Caddyfile;
      motd.content = "Welcome to \${HOSTNAME}\n";
    };
  };
}
