{ ... }:
{
  khepri.compositions.environment.services = {
    list = {
      image = "busybox";
      environment = {
        PLAIN = "value";
        EMPTY = "";
        WITH_EQUALS = "a=b";
      };
    };
    map = {
      image = "busybox";
      environment = {
        WORKERS = "2";
        DEBUG = "false";
        QUOTED = "say \"hi\" x";
        UNICODE = "päperless ☃";
      };
    };
  };
}
