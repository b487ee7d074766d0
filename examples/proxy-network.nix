# The network that caddy and paperless share, created once for the host: both
# compositions declare it external, and their containers start after its unit.
{ ... }:
{
  khepri.networks = [ "proxy_net" ];
}
