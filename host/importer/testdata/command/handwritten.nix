{ ... }:
{
  khepri.compositions.command.services = {
    shell = {
      image = "busybox";
      command = [
        "sh"
        "-c"
        "echo \"$HOME\" && sleep 1"
      ];
    };
    list = {
      image = "busybox";
      entrypoint = "/bin/sh -c";
      cmd = [ "echo hello" ];
    };
    cleared = {
      image = "busybox";
      entrypoint = [ ];
      command = "sleep 60";
    };
  };
}
