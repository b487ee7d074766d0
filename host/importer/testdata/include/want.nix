{ ... }:
{
  khepri.compositions.include = {
    services = {
      db = {
        image = "postgres:15";
        envFile = toString ./db/db.env;
        volumes = [ "pgdata:/var/lib/postgresql/data" ];
        networks = [ "back" ];
      };
      web = {
        image = "nginx";
        networks = [ "back" ];
        dependsOn = [ "db" ];
      };
    };
    networks = [ "back" ];
    volumes = [ "pgdata" ];
  };
}
