# An element of an attribute set of another type than the option's elements.
{
  compositions.app.services.web = {
    image = "example/web:1";
    environment.A = [ "1" ];
  };
  message = ''
    A definition for option `khepri.compositions.app.services.web.environment.A' is not of type `null or (string or (signed integer or boolean) convertible to it)'. Definition values:
    - In `<unknown-file>':
    [
    "1"
    ]
  '';
}
