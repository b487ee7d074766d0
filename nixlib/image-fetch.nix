# One locked image fetched into the Nix store: a fixed-output derivation whose builder,
# `khepri fetch-image`, pulls the image by digest and writes it as a docker archive
# (deterministic: the same bytes for the same digest on every machine), checked
# against the archive hash that `khepri lock --archive` recorded in the image lock.
# Builtins only, like expand.nix.
{
  # The khepri package for the build platform.
  khepri,
  system,
  # A CA bundle (pkgs.cacert) for registries reached over HTTPS; null leaves the
  # builder the system's, which a sandboxed build does not have.
  cacert ? null,
}:
# An entry of the expansion's imageFetches: reference, name, hash, storeName.
fetch:
derivation (
  {
    name = fetch.storeName;
    inherit system;
    builder = "${khepri}/bin/khepri";
    args = [
      "fetch-image"
      fetch.reference
      "--name"
      fetch.name
      "--out"
      (builtins.placeholder "out")
    ];
    outputHashMode = "flat";
    outputHashAlgo = "sha256";
    outputHash = fetch.hash;
    # The registry is reached through the proxy the Nix daemon is given, if any.
    impureEnvVars = [
      "http_proxy"
      "https_proxy"
      "no_proxy"
      "HTTP_PROXY"
      "HTTPS_PROXY"
      "NO_PROXY"
    ];
  }
  // (if cacert == null then { } else { SSL_CERT_FILE = "${cacert}/etc/ssl/certs/ca-bundle.crt"; })
)
