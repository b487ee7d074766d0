# A key that is no option of a service, with the module system's suggestions (among a
# hundred options or more, those at most two edits away).
{
  compositions.app.services.web.imgae = "example/web:1";
  message = ''
    The option `khepri.compositions.app.services.web.imgae' does not exist. Definition values:
    - In `<unknown-file>': "example/web:1"
    Did you mean `khepri.compositions.app.services.web.image'?
  '';
}
