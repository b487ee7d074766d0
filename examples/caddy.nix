# A reverse proxy on the shared `proxy_net` network.
{ ... }:
{
  khepri.compositions.caddy = {
    networks.proxy_net = {
      external = true;
    };
    volumes = [ "caddy_data" ];
    services.caddy = {
      image = "caddy:alpine";
      networks = [ "proxy_net" ];
      volumes = [
        "caddy_data:/data:rw"
        "/etc/caddy/Caddyfile:/etc/caddy/Caddyfile:ro"
      ];
      ports = [
        "80:80/tcp"
        "443:443/tcp"
        "443:443/udp"
      ];
      restart = "unless-stopped";
    };
  };
}
