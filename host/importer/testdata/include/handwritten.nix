{ ... }:
{
  imports = [ ./db.nix ];
  khepri.compositions.include.services.web = {
    image = "nginx";
    dependsOn = [ "db" ];
    networks = [ "back" ];
  };
}
