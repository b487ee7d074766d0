{
  compositions.loop.services = {
    a = {
      image = "example/a:1";
      dependsOn = [ "b" ];
    };
    b = {
      image = "example/b:1";
      dependsOn = [ "a" ];
    };
  };
  assertions = [
    "khepri.compositions.loop.services.a.dependsOn.b: dependency cycle a -> b -> a: systemd cannot order these containers; remove one of the dependencies"
  ];
}
