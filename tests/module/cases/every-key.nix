# One composition that sets every service option to the example its documentation
# gives (one service per option, beside the services, networks, volumes, secrets and
# configs the examples name): the examples are valid, and every key expands on both
# backends without an error. Keys podman has no flag for are left out there.
{
  lib,
  evalHost,
  failedAssertions,
  ...
}:
let
  options = (import ../../../nixlib/options { inherit lib; }).compositions;
  serviceOptions =
    (options.type.nestedTypes.elemType.getSubOptions [ ]).services.type.nestedTypes.elemType.getSubOptions
      [ ];
  # Options whose example is a literal value (not a Nix expression to read).
  examples = lib.mapAttrs (_: o: o.example) (
    lib.filterAttrs (
      n: o:
      lib.isOption o
      && o ? example
      && (o.example._type or null) != "literalExpression"
      && !builtins.elem n notRun
    ) serviceOptions
  );
  # Switches have no example: each is turned from its default.
  switches = {
    attach = false;
    autoStart = false;
    oomKillDisable = true;
    privileged = true;
    readOnly = true;
    stdinOpen = true;
    tty = true;
    useApiSocket = true;
  };
  # What an option's example needs beside it on its service.
  companions = {
    pullRefreshAfter.pullPolicy = "refresh";
  };
  # Keys khepri refuses (proto/khepri/rejected), build (cases of its own), the
  # oci-containers aliases, and the image options (the image is set on every service;
  # imageFetch "nix" needs a lock, cases/image-lock.nix).
  inherit (import ../../../nixlib/options/helpers.nix { inherit lib; }) optionName;
  refused = (lib.importJSON ../../../proto/khepri/rejected/rejected.json).service;
  notRun = map optionName (builtins.attrNames refused) ++ [
    "build"
    "cmd"
    "environmentFiles"
    "image"
    "imageFetch"
    "imageFile"
    "imageStream"
  ];
  dockerOnly = [
    "domainname"
    "externalLinks"
    "links"
    "storageOpt"
    "useApiSocket"
  ];

  composition = backend: {
    profiles = [ "debug" ];
    networks = {
      paperless = { };
      proxy_net.external = true;
    };
    volumes = [ "pgdata" ];
    secrets = {
      db_password.file = "/run/secrets/db_password";
      api_key.file = "/run/secrets/api_key";
    };
    configs = {
      caddyfile.content = ":80 { respond \"hello\" }";
      app_config.file = "/etc/app/config.yaml";
    };
    services =
      lib.genAttrs [ "db" "broker" "vpn" "app" ] (_: {
        image = "example/app:1";
      })
      // lib.mapAttrs' (
        name: example:
        lib.nameValuePair "o-${name}" (
          {
            image = "example/app:1";
            ${name} = example;
          }
          // companions.${name} or { }
        )
      ) (builtins.removeAttrs (examples // switches) (lib.optionals (backend == "podman") dockerOnly));
  };

  hostFor =
    backend:
    evalHost [
      {
        virtualisation.oci-containers.backend = backend;
        khepri.compositions.all = composition backend;
      }
    ];
in
{
  "test: every service option's example expands on docker without an error" = {
    expr = failedAssertions (hostFor "docker");
    expected = [ ];
  };
  "test: every service option's example podman can run expands on podman without an error" = {
    expr = failedAssertions (hostFor "podman");
    expected = [ ];
  };
  "test: the settings that only concern compose's CLI are warnings" = {
    expr = (hostFor "docker").warnings;
    expected = [
      "khepri.compositions.all.services.o-attach.attach: attach only changes what compose's CLI shows; under systemd the container's output goes to its log driver (the journal by default), so it has no effect"
      "khepri.compositions.all.services.o-stdinOpen.stdinOpen: a systemd unit's stdin is /dev/null, so the container's stdin is closed whatever stdin_open says; khepri passes no --interactive (docker refuses --interactive --tty without a terminal)"
      "khepri.compositions.all.services.o-useApiSocket.useApiSocket: the container gets /var/run/docker.sock and with it root on the host; unlike compose, no CLI credentials are mounted"
    ];
  };
  "test: every service option is covered by an example, a switch or the list of keys not run" =
    {
      expr = builtins.attrNames (
        builtins.removeAttrs serviceOptions (
          builtins.attrNames examples ++ builtins.attrNames switches ++ notRun ++ [ "_module" ]
        )
      );
      expected = [ ];
    };
}
