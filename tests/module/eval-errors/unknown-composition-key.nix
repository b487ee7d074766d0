# A key that is no option of a composition.
{
  compositions.app.servics.web = { };
  message = ''
    The option `khepri.compositions.app.servics' does not exist. Definition values:
    - In `<unknown-file>':
    {
    web = { };
    }
    Did you mean `khepri.compositions.app.services', `khepri.compositions.app.secrets' or `khepri.compositions.app.version'?
  '';
}
