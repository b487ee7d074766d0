# A long-syntax port without its container port, which has no default.
{
  compositions.app.services.web = {
    image = "example/web:1";
    ports = [ { published = 8080; } ];
  };
  message = ''
    The option `khepri.compositions.app.services.web.ports."[definition 1-entry 1]".target' was accessed but has no value defined. Try setting the option.
  '';
}
