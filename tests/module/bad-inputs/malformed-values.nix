{
  compositions.bad.services.web = {
    image = "example/web:1";
    ports = [ "80:80/http" ];
    restart = "sometimes";
    command = "echo 'unterminated";
    extraHosts = [ "nohost" ];
    capAdd = [ "NOT A CAP" ];
  };
  assertions = [
    "khepri.compositions.bad.services.web.capAdd[0]: invalid capability \"NOT A CAP\": use a name such as NET_ADMIN or CAP_NET_ADMIN, or ALL"
    "khepri.compositions.bad.services.web.command: cannot split \"echo 'unterminated\" into words: invalid command line string; use a list of strings"
    "khepri.compositions.bad.services.web.extraHosts[0]: invalid extra host \"nohost\": use host:ip or host=ip"
    "khepri.compositions.bad.services.web.ports[0]: invalid port \"80:80/http\": unknown protocol \"http\"; use compose's short syntax [ip:][host[-range]:]container[-range][/tcp|udp|sctp], with an IPv6 address in brackets ([::1]:8080:80)"
    "khepri.compositions.bad.services.web.restart: invalid restart policy \"sometimes\"; allowed: \"no\", \"always\", \"unless-stopped\", \"on-failure\" or \"on-failure:N\" with N >= 0"
  ];
}
