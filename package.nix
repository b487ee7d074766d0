# khepri: the `khepri` command and the `khepri-expander` plugin it runs.
{
  lib,
  buildGoModule,
}:
buildGoModule {
  pname = "khepri";
  version = "0.1.0";

  src = lib.fileset.toSource {
    root = ./.;
    fileset = lib.fileset.unions [
      ./go.mod
      ./go.sum
      ./host
      ./plugin
      ./proto
    ];
  };

  # scripts/vendor-hash recomputes it; the tests fail when it is stale.
  vendorHash = "sha256-aO2db+JfWBt689ygODT6TmTmlpSng6xwmvr7wbhOHME=";

  subPackages = [
    "host"
    "plugin"
  ];

  # Static binaries: the host is the builder of the expansion derivation.
  env.CGO_ENABLED = 0;
  ldflags = [
    "-s"
    "-w"
  ];

  postInstall = ''
    mv $out/bin/host $out/bin/khepri
    mv $out/bin/plugin $out/bin/khepri-expander
  '';

  meta = {
    description = "Docker-compose stacks declared in NixOS, expanded at build time into oci-containers and systemd units";
    license = lib.licenses.mit;
    mainProgram = "khepri";
  };
}
