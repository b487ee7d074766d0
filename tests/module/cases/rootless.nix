# Rootless podman: khepri's units create networks and volumes as root, so a container
# set to run as another user is refused with a message that says why.
{ evalHost, failedAssertions, ... }:
{
  "test: a khepri container made rootless is refused" = {
    expr = failedAssertions (evalHost [
      {
        virtualisation.oci-containers.backend = "podman";
        khepri.compositions.app.services.web.image = "example/web:1";
        virtualisation.oci-containers.containers.app-web.podman.user = "alice";
      }
    ]);
    expected = [
      "virtualisation.oci-containers.containers.app-web.podman.user: composition app runs rootful: khepri creates its networks and volumes with root's podman, which a rootless container does not see; leave podman.user unset for khepri's containers."
    ];
  };
  "test: rootful podman containers pass" = {
    expr = failedAssertions (evalHost [
      {
        virtualisation.oci-containers.backend = "podman";
        khepri.compositions.app.services.web.image = "example/web:1";
      }
    ]);
    expected = [ ];
  };
}
