# A composition's service: compose's `services.<name>`, one container.
{ lib, helpers }:
let
  inherit (lib) mkOption types;
  inherit (helpers)
    composeScalar
    entriesToAttrs
    namesOrAttrsOf
    numberOrStr
    optional
    strOrList
    ;
  long = import ./long-syntax.nix { inherit lib helpers; };
  commandType = types.nullOr (types.either types.str (types.listOf types.str));

  dependency = {
    options = {
      condition = mkOption {
        type = types.str;
        default = "service_started";
        description = ''
          When the dependency counts as ready: `service_started`.
          Compose: [`depends_on`](https://docs.docker.com/reference/compose-file/services/#long-syntax-1).
        '';
      };
      required = mkOption {
        type = types.bool;
        default = true;
        description = ''
          Whether the dependent fails when the dependency is missing or fails to start
          (systemd `Requires=`); false starts it regardless (systemd `Wants=`).
        '';
      };
      restart = mkOption {
        type = types.bool;
        default = false;
        description = "Whether restarting the dependency restarts the dependent.";
      };
    };
  };
in
{
  imports = [
    (import ./lifecycle.nix {
      inherit lib helpers;
      level = "service";
    })
    (import ./service-secrets.nix { inherit lib helpers; })
    (import ./service-build.nix { inherit lib helpers; })
  ]
  ++ map (file: import file { inherit lib helpers; }) [
    ./service-runtime.nix
    ./service-limits.nix
    ./service-health.nix
  ];

  options = helpers.composeOptions { section = "services"; } {
    image = mkOption {
      type = types.nullOr (types.either types.str types.package);
      default = null;
      example = lib.literalExpression ''"docker.io/library/postgres:15" or pkgs.dockerTools.buildLayeredImage { ... }'';
      description = ''
        The image: a reference to pull, or a `dockerTools` image derivation (`pullImage`,
        `buildImage`, `buildLayeredImage`, `streamLayeredImage`), which is loaded from the
        store instead of pulled.
      '';
    };
    containerName = optional {
      type = types.str;
      example = "paperless_web";
      description = ''
        The container's name; by default `<composition>-<service>`. The container's unit is
        `<backend>-<containerName>.service`.
      '';
    };
    command = mkOption {
      type = commandType;
      default = null;
      example = [
        "gotenberg"
        "--chromium-disable-javascript=true"
      ];
      description = ''
        Overrides the image's command: a list of arguments, or a string split into words as
        a shell would (without expanding variables). Also settable as `cmd`. `[ ]` is no
        command, which the engines (like docker compose) take as unset, running the image's
        (a warning): an {option}`entrypoint` of its own drops the image's command.
      '';
    };
    entrypoint = mkOption {
      type = commandType;
      default = null;
      example = [
        "/bin/sh"
        "-c"
      ];
      description = ''
        Overrides the image's entrypoint, as a list or a string; `[ ]` clears it. Setting it
        also clears the image's command, as in compose.
      '';
    };
    environment = mkOption {
      # A bare `KEY` (or a null value) would take its value from the shell running
      # compose, which an evaluation has not: null, which the plugin reports.
      type = helpers.coercedTo (types.listOf types.str) (entriesToAttrs null) (
        types.attrsOf (types.nullOr composeScalar)
      );
      default = { };
      example = {
        POSTGRES_DB = "paperless";
        PAPERLESS_TASK_WORKERS = 2;
      };
      description = ''
        Environment variables, as an attribute set or a list of `KEY=value` (the last of a
        repeated `KEY` wins, as in compose); integers and booleans become strings, as in
        compose. A bare `KEY` (or `KEY = null`), which compose takes from its shell, is an
        error: give the value, or set it in {option}`envFile`. The values are
        world-readable in the Nix store: keep secrets in {option}`envFile`.
      '';
    };
    envFile = mkOption {
      type = helpers.coercedTo long.envFilePath lib.toList (
        types.listOf (long.shortOrLong long.envFilePath long.envFile)
      );
      default = [ ];
      example = [
        "/run/secrets/paperless.env"
        {
          path = "/etc/paperless/local.env";
          required = false;
        }
      ];
      description = ''
        Files of variables for the container, read when it starts, so that their contents
        never enter the Nix store: paths, or attribute sets in compose's long syntax. Before
        every start the container's unit reads them as compose does (quotes, `# comments`,
        `KEY = value`, `''${VAR}`; later files win) and hands the engine the variables one
        `KEY=value` a line, the form its `--env-file` takes literally. `''${VAR}` resolves
        against {option}`environment` and the variables read before it; compose's own
        environment (its shell, the project's `.env`) does not exist at that point, so an
        unset variable is empty. A value with a line break fails the start, which the
        engines' `--env-file` cannot pass. A Nix path (`./app.env`) is copied to the
        world-readable store, and khepri warns: write `toString ./app.env` or a runtime
        path. Also settable as `environmentFiles`.
      '';
    };
    volumes = mkOption {
      type = types.listOf (long.shortOrLong types.str long.volume);
      default = [ ];
      example = [
        "pgdata:/var/lib/postgresql/data:rw"
        "/etc/caddy/Caddyfile:/etc/caddy/Caddyfile:ro"
        {
          type = "bind";
          source = "/srv/media";
          target = "/media";
          bind.propagation = "rslave";
        }
      ];
      description = ''
        Mounts, in the short syntax `source:target[:options]` or the long syntax (an
        attribute set, which becomes a `--mount` flag). A source that names one of the
        composition's {option}`volumes` becomes that volume (`<composition>_<name>`); an
        absolute path (a host or store path) is bind-mounted.
      '';
    };
    ports = mkOption {
      type = types.listOf (long.shortOrLong numberOrStr long.port);
      default = [ ];
      example = [
        "8000:8000/tcp"
        "127.0.0.1:5432:5432"
        {
          target = 53;
          published = 5353;
          protocol = "udp";
        }
      ];
      description = ''
        Published ports, in the short syntax `[ip:][hostPort:]containerPort[/protocol]` or
        the long syntax (an attribute set). Publishing bypasses
        the NixOS firewall, as with oci-containers: bind to `127.0.0.1` what must stay local.
      '';
    };
    capAdd = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "NET_ADMIN" ];
      description = ''
        Capabilities to add.
      '';
    };
    capDrop = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "ALL" ];
      description = ''
        Capabilities to drop.
      '';
    };
    devices = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "/dev/dri:/dev/dri" ];
      description = ''
        Devices, `host[:container[:permissions]]`, or CDI names such as `nvidia.com/gpu=all`.
      '';
    };
    networks = mkOption {
      type = namesOrAttrsOf (helpers.sparseSubmodule long.network);
      default = { };
      example = [
        "paperless"
        "proxy_net"
      ];
      description = ''
        The composition networks the service joins, as a list of names or an attribute set
        of settings. A service that names none joins `<composition>_default`. On every
        network the service answers to its service name.
      '';
    };
    extraHosts = mkOption {
      type = helpers.extraHostsType;
      default = [ ];
      example = [ "host.docker.internal:host-gateway" ];
      description = ''
        Entries for the container's `/etc/hosts`: a list of `host:ip` or `host=ip`, or an
        attribute set of host names to an address or a list of addresses.
      '';
    };
    labels = mkOption {
      type = helpers.coercedTo (types.listOf types.str) (entriesToAttrs "") (
        types.attrsOf composeScalar
      );
      default = { };
      example = {
        "traefik.enable" = true;
      };
      description = ''
        Container labels, as an attribute set or a list of `name=value` (a bare `name` has
        an empty value, the last of a repeated `name` wins, as in compose). khepri adds
        `com.docker.compose.project` and `com.docker.compose.service`, as compose does.
      '';
    };
    dependsOn = mkOption {
      type = namesOrAttrsOf (helpers.sparseSubmodule dependency);
      default = { };
      example = [
        "db"
        "broker"
      ];
      description = ''
        Services of the same composition that start first, as a list of names or an
        attribute set of settings. The container's unit is ordered after theirs and
        requires them.
      '';
    };
    restart = mkOption {
      type = types.str;
      default = "no";
      example = "unless-stopped";
      description = ''
        `no`, `always`, `on-failure`, `on-failure:N` or `unless-stopped`, applied by systemd
        (`Restart=`) in place of oci-containers' `always`. `unless-stopped` is `always`: a
        stopped unit stays stopped until started.
      '';
    };
  }
  # khepri's own options, which compose has not.
  // {
    imageFile = mkOption {
      type = types.nullOr types.package;
      default = null;
      description = ''
        An image archive to load before the container starts; {option}`image` must name
        the image inside it. Set for you when {option}`image` is a derivation.
        NixOS: `virtualisation.oci-containers.containers.<name>.imageFile`.
      '';
    };
    imageStream = mkOption {
      type = types.nullOr types.package;
      default = null;
      description = ''
        A script that streams an image archive (`dockerTools.streamLayeredImage`). Set for
        you when {option}`image` is such a derivation.
        NixOS: `virtualisation.oci-containers.containers.<name>.imageStream`.
      '';
    };
    imageFetch = optional {
      type = helpers.imageFetchType;
      example = "nix";
      description = ''
        How the image reaches the host when {option}`khepri.imageLock` locks it: `"registry"`
        pulls it by digest when the container starts, `"nix"` fetches it by digest into the
        Nix store while the system is built, and the container loads it from there and
        never pulls. Unset takes the composition's {option}`imageFetch`. A derivation
        image is loaded from the store either way. khepri's own option; compose has none.
      '';
    };
  };
}
