# NixOS writes the image, the log driver and the container name into the unit's root
# shell script unquoted: a value outside their grammars would run as shell code.
{
  compositions.hostile.services = {
    subst.image = "app:1 $(touch /tmp/x)";
    flags.image = "-v /:/host app:1";
    logs = {
      image = "app:1";
      logging.driver = "json-file$(touch /tmp/x)";
    };
    short = {
      image = "app:1";
      containerName = "a";
    };
  };
  assertions = [
    "khepri.compositions.hostile.services.flags.image: invalid image reference \"-v /:/host app:1\": invalid reference format; an image is [registry[:port]/]name[:tag][@digest], lowercase name, no spaces or shell characters"
    "khepri.compositions.hostile.services.logs.logging.driver: invalid log driver \"json-file$(touch /tmp/x)\": a driver is named in lowercase letters, digits, '.', '_' and '-' (json-file, journald, local), or a logging plugin by name[:tag]"
    "khepri.compositions.hostile.services.short.containerName: invalid container name \"a\": use two or more letters, digits, '_', '.' and '-', starting with a letter or digit (docker's rule; NixOS writes the name unquoted into the unit's scripts)"
    "khepri.compositions.hostile.services.subst.image: invalid image reference \"app:1 $(touch /tmp/x)\": invalid reference format; an image is [registry[:port]/]name[:tag][@digest], lowercase name, no spaces or shell characters"
  ];
}
