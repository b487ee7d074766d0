# A value of the wrong type inside a long syntax (a service's network settings).
{
  compositions.app.services.web = {
    image = "example/web:1";
    networks.back.aliases = "db";
  };
  message = ''
    A definition for option `khepri.compositions.app.services.web.networks.back.aliases' is not of type `list of string'. TypeError: Definition values:
    - In `<unknown-file>': "db"
  '';
}
