let
  repeat = n: c: builtins.concatStringsSep "" (builtins.genList (_: c) n);
  composition = repeat 250 "c";
  # Its target fits, the unit creating its network does not.
  resources = repeat 235 "r";
  network = repeat 250 "n";
in
{
  compositions = {
    ${composition}.services.web.image = "example/web:1";
    ${resources}.services.a.image = "example/web:1";
    app = {
      networks.${network} = { };
      services.web = {
        image = "example/web:1";
        containerName = repeat 300 "x";
        networks = [ network ];
      };
    };
  };
  assertions = [
    "khepri.compositions.app.services.web.containerName: unit name docker-xxxxxxxxxxxxxxxxxxxxxxxxx…xxxxxxxx.service is 315 bytes, 60 more than systemd takes (UNIT_NAME_MAX: 255 bytes, the suffix included); shorten containerName"
    "khepri.compositions.${composition}: unit name khepri-ccccccccccccccccccccccccc…ccccccccc.target is 264 bytes, 9 more than systemd takes (UNIT_NAME_MAX: 255 bytes, the suffix included); shorten the composition name"
    "khepri.compositions.${resources}: unit name khepri-rrrrrrrrrrrrrrrrrrrrrrrrr…esources.service is 260 bytes, 5 more than systemd takes (UNIT_NAME_MAX: 255 bytes, the suffix included); shorten the composition name"
  ];
}
