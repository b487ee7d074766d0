# A key that is no option of a host-level network.
{
  host.khepri.networks.proxy.drver = "bridge";
  message = ''
    The option `khepri.networks.proxy.drver' does not exist. Definition values:
    - In `<unknown-file>': "bridge"
    Did you mean `khepri.networks.proxy.driver', `khepri.networks.proxy.name' or `khepri.networks.proxy.driverOpts'?
  '';
}
