# A key that is no option of a dependency's long syntax.
{
  compositions.app.services = {
    db.image = "example/db:1";
    web = {
      image = "example/web:1";
      dependsOn.db.conditon = "service_healthy";
    };
  };
  message = ''
    The option `khepri.compositions.app.services.web.dependsOn.db.conditon' does not exist. Definition values:
    - In `<unknown-file>': "service_healthy"
    Did you mean `khepri.compositions.app.services.web.dependsOn.db.condition', `khepri.compositions.app.services.web.dependsOn.db.required' or `khepri.compositions.app.services.web.dependsOn.db.restart'?
  '';
}
