{ ... }:
{
  khepri.compositions.secrets-configs = {
    services = {
      db = {
        image = "postgres:16";
        environment.POSTGRES_PASSWORD_FILE = "/run/secrets/db_password";
        secrets = [
          {
            source = "db_password";
            target = "/run/secrets/db_password";
          }
          {
            source = "api_key";
            target = "api.key";
            uid = 999;
            gid = 999;
            mode = 400;
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
          { source = "motd"; }
          {
            source = "motd";
            target = "/etc/motd";
            mode = 444;
          }
        ];
      };
    };
    secrets = {
      db_password.file = toString ./db_password.txt;
      api_key = {
        file = "/run/keys/api_key";
        name = "project-api-key";
      };
    };
    configs = {
      caddyfile.file = ./Caddyfile;
      motd.content = ''
        Welcome to ''${HOSTNAME}
      '';
    };
  };
}
