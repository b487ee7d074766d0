{ ... }:
{
  khepri.compositions.pull-schedule.services = {
    api = {
      image = "ghcr.io/example/api:2";
      pullPolicy = "every_12h";
    };
    notebook = {
      image = "quay.io/example/notebook:latest";
      pullPolicy = "refresh";
      pullRefreshAfter = "1d12h";
    };
    web = {
      image = "ghcr.io/example/web:latest";
      pullPolicy = "daily";
    };
    worker = {
      image = "ghcr.io/example/worker:1";
      pullPolicy = "weekly";
    };
  };
}
