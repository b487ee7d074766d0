# The compositions of the NixOS VM test, also evaluated by the module tier.
{ pkgs }:
let
  busybox = import ./busybox.nix { inherit pkgs; };
in
{
  hello.services = {
    server = {
      image = busybox;
      command = [
        "sh"
        "-c"
        "mkdir -p /www && echo hello-from-server > /www/index.html && exec httpd -f -p 8080 -h /www"
      ];
    };
    client = {
      image = busybox;
      dependsOn = [ "server" ];
      command = [
        "sh"
        "-c"
        "until wget -qO /tmp/got http://server:8080/; do sleep 1; done; exec sleep 2147483647"
      ];
    };
  };
  # dependsOn conditions: app starts only once db is healthy (it serves three seconds
  # after it starts) and init has exited 0; app fails if db does not answer at once.
  chain.services = {
    db = {
      image = busybox;
      command = [
        "sh"
        "-c"
        "sleep 3 && mkdir -p /www && echo db-ready > /www/index.html && exec httpd -f -p 8080 -h /www"
      ];
      healthcheck = {
        test = [
          "CMD"
          "wget"
          "-q"
          "-O"
          "/dev/null"
          "http://127.0.0.1:8080/"
        ];
        interval = "1s";
        retries = 30;
      };
    };
    init = {
      image = busybox;
      command = [
        "sh"
        "-c"
        "sleep 2"
      ];
    };
    app = {
      image = busybox;
      dependsOn = {
        db.condition = "service_healthy";
        init.condition = "service_completed_successfully";
      };
      command = [
        "sh"
        "-c"
        "wget -qO /tmp/db http://db:8080/ && exec sleep 2147483647"
      ];
    };
  };
}
