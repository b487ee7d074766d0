# Secrets are runtime files: their paths reach the containers, their values never reach
# the request, the response or a unit, because khepri never reads them.
{
  lib,
  khepri,
  evalHost,
  ...
}:
let
  khepriLib = import ../../../nixlib { inherit lib; };
  # A real file holding a value, so that reading it anywhere would show.
  secretFile = toString ../fixtures/secret-value;
  value = lib.removeSuffix "\n" (builtins.readFile ../fixtures/secret-value);
  stacks = khepriLib.expand {
    pkgs = import ../../stub-pkgs.nix { };
    backend = "docker";
    package = khepri;
    compositions.app = {
      secrets.db_password.file = secretFile;
      services.web = {
        image = "example/web:1";
        secrets = [
          "db_password"
          {
            source = "db_password";
            target = "copy";
            uid = 1000;
            mode = 400;
          }
        ];
      };
    };
  };
  host = evalHost [
    stacks.nixosModule
    { virtualisation.oci-containers.backend = "docker"; }
  ];
  has = s: lib.hasInfix value s;
in
{
  "test: a secret's value is in neither the request, the response nor any unit" = {
    expr = {
      request = has stacks.request;
      response = has (builtins.readFile stacks.expansion);
      containers = has (builtins.toJSON host.virtualisation.oci-containers.containers);
      units = has (builtins.toJSON host.systemd.services);
      # The test would prove nothing if the value were not there to find.
      valueIsReal = value != "" && has (builtins.readFile secretFile);
    };
    expected = {
      request = false;
      response = false;
      containers = false;
      units = false;
      valueIsReal = true;
    };
  };
  "test: a secret is mounted read-only from its path, a copy when it has an owner or mode" = {
    expr = {
      mounts = builtins.filter (lib.hasPrefix "--mount") host.virtualisation.oci-containers.containers.app-web.extraOptions;
      preStart = host.systemd.services.docker-app-web.preStart;
    };
    expected = {
      mounts = [
        "--mount=type=bind,source=${secretFile},target=/run/secrets/db_password,readonly=true"
        "--mount=type=bind,source=/run/khepri/app-web/secrets/db_password,target=/run/secrets/copy,readonly=true"
      ];
      preStart = ''
        install -d -m 0700 -- /run/khepri/app-web/secrets
        install -m 0400 -o 1000 -g 0 -- ${secretFile} /run/khepri/app-web/secrets/db_password
      '';
    };
  };
}
