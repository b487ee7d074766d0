{
  backend = "podman";
  compositions.vault.podman.user = "vault";
  compositions.vault.services.server.image = "docker.io/hashicorp/vault:1.15";
  assertions = [
    "khepri.compositions.vault.podman.user: vault has no subordinate uid and gid ranges, to which rootless podman maps the containers' users: make vault a normal user (users.users.vault.isNormalUser = true) or set users.users.vault.autoSubUidGidRange = true."
    "khepri.compositions.vault.podman.uid: the composition runs as vault, whose podman keeps its state in /run/user/<uid>: give vault a static uid, users.users.vault.uid (with lib.expand, set podman.uid)"
  ];
}
