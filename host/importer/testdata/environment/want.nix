{ ... }:
{
  khepri.compositions.environment.services = {
    list = {
      image = "busybox";
      environment = {
        EMPTY = "";
        PLAIN = "value";
        WITH_EQUALS = "a=b";
      };
    };
    map = {
      image = "busybox";
      environment = {
        DEBUG = false;
        QUOTED = "say \"hi\" x";
        UNICODE = "päperless ☃";
        WORKERS = 2;
      };
    };
  };
}
