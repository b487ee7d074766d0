{ ... }:
{
  khepri.compositions.network-settings = {
    services.db = {
      image = "postgres:16";
      networks = {
        back = {
          ipv4Address = "172.28.0.10";
          ipv6Address = "fd00:28::10";
          priority = 100;
          gwPriority = 1;
          macAddress = "02:42:ac:1c:00:0a";
          interfaceName = "eth1";
          linkLocalIps = [ "169.254.8.8" ];
          driverOpts."com.example.mtu" = "1400";
        };
        front.aliases = [ "database" ];
      };
    };
    networks = {
      back = {
        driver = "bridge";
        driverOpts."com.docker.network.bridge.name" = "br-back";
        attachable = true;
        enableIpv6 = true;
        internal = true;
        labels."com.example.tier" = "back";
        ipam = {
          driver = "default";
          config = [
            {
              subnet = "172.28.0.0/16";
              ipRange = "172.28.0.0/24";
              gateway = "172.28.0.1";
              auxAddresses.router = "172.28.0.2";
            }
            { subnet = "fd00:28::/64"; }
          ];
          options."com.example.pool" = "a";
        };
      };
      front = {
        enableIpv4 = true;
        labels = [ "com.example.tier=front" ];
      };
    };
  };
}
