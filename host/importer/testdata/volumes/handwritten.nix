{ ... }:
{
  khepri.compositions.volumes = {
    volumes = {
      pgdata = { };
      shared = {
        external = true;
        name = "team_shared";
      };
    };
    services.db = {
      image = "postgres:15";
      volumes = [
        "pgdata:/var/lib/postgresql/data"
        "${toString ./.}/init:/docker-entrypoint-initdb.d:ro"
        "shared:/shared:nocopy"
        "${toString ./.}/conf/pg.conf:/etc/postgresql/postgresql.conf:ro"
        "/srv/backups:/backups:z"
      ];
    };
  };
}
