{ ... }:
{
  khepri.compositions.command.services = {
    cleared = {
      image = "busybox";
      command = [
        "sleep"
        "60"
      ];
      entrypoint = [ ];
    };
    list = {
      image = "busybox";
      command = [ "echo hello" ];
      entrypoint = [
        "/bin/sh"
        "-c"
      ];
    };
    shell = {
      image = "busybox";
      command = "sh -c 'echo \"$HOME\" && sleep 1'";
    };
  };
}
