# The VM tests' image: busybox from dockerTools (a VM has no registry).
{ pkgs }:
pkgs.dockerTools.buildLayeredImage {
  name = "khepri-test/busybox";
  tag = "1";
  contents = [ pkgs.busybox ];
}
