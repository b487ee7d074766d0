{ ... }:
{
  khepri.compositions.pull-schedule.services = {
    web = {
      image = "ghcr.io/example/web:latest";
      pullPolicy = "daily";
    };
    api = {
      image = "ghcr.io/example/api:2";
      pullPolicy = "every_12h";
    };
    worker = {
      image = "ghcr.io/example/worker:1";
      pullPolicy = "weekly";
    };
    notebook = {
      image = "quay.io/example/notebook:latest";
      pullPolicy = "refresh";
      pullRefreshAfter = "36h";
    };
  };
}
