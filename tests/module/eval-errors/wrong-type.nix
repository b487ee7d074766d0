# A value of another type than the option's.
{
  compositions.app.services.web.image = 1;
  message = ''
    A definition for option `khepri.compositions.app.services.web.image' is not of type `null or string or package'. Definition values:
    - In `<unknown-file>': 1
  '';
}
