# The included file as its own module: include becomes `imports`.
{ ... }:
{
  khepri.compositions.include = {
    networks = [ "back" ];
    volumes = [ "pgdata" ];
    services.db = {
      image = "postgres:15";
      envFile = toString ./db/db.env;
      networks = [ "back" ];
      volumes = [ "pgdata:/var/lib/postgresql/data" ];
    };
  };
}
