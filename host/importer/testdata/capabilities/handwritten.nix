{ ... }:
{
  khepri.compositions.capabilities.services.vpn = {
    image = "example/vpn";
    capAdd = [
      "NET_ADMIN"
      "SYS_MODULE"
    ];
    capDrop = [ "ALL" ];
    devices = [
      "/dev/net/tun"
      "/dev/dri/renderD128:/dev/dri/renderD128:rw"
      "/dev/sda:/dev/xvda"
      "nvidia.com/gpu=all"
    ];
  };
}
