# Names are data: builtins.toJSON renders a set with an outPath attribute as that path
# and calls a __toString, and neither may change what a composition means.
{ evalHost, failedAssertions, ... }:
let
  special = {
    outPath = "o";
    __toString = "t";
  };
  host = evalHost [
    {
      virtualisation.oci-containers.backend = "docker";
      khepri.compositions.app = {
        networks.outPath.labels = special;
        services.outPath = {
          image = "example/web:1";
          environment = special;
          labels = special;
          networks = [ "outPath" ];
        };
      };
    }
  ];
  container = host.virtualisation.oci-containers.containers.app-outPath;
  manifest = builtins.fromJSON host.environment.etc."khepri/manifest.json".text;
in
{
  "test: a service, network, variable and label may be called outPath or __toString" = {
    expr = {
      assertions = failedAssertions host;
      inherit (container) environment;
      labels = builtins.removeAttrs container.labels [
        "com.docker.compose.project"
        "com.docker.compose.service"
      ];
      services = builtins.attrNames manifest.compositions.app.services;
      networks = manifest.compositions.app.networks;
    };
    expected = {
      assertions = [ ];
      environment = special;
      labels = special;
      services = [ "outPath" ];
      networks = [ "app_outPath" ];
    };
  };
}
