# The composition's restart policy wins over oci-containers' Restart=always.
{ evalHost, ... }:
let
  restartOf =
    policy:
    (evalHost [
      {
        virtualisation.oci-containers.backend = "podman";
        khepri.compositions.app.services.web = {
          image = "example/web:1";
          restart = policy;
        };
      }
    ]).systemd.services.podman-app-web.serviceConfig.Restart;
in
{
  "test: restart no becomes Restart=no despite oci-containers' always" = {
    expr = restartOf "no";
    expected = "no";
  };
  "test: restart unless-stopped becomes Restart=always" = {
    expr = restartOf "unless-stopped";
    expected = "always";
  };
  "test: restart on-failure becomes Restart=on-failure" = {
    expr = restartOf "on-failure";
    expected = "on-failure";
  };
}
