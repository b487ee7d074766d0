# A set of options (podman.user, podman.uid) given a string.
{
  compositions.app.podman = "alice";
  message = ''
    In module `<unknown-file>', you're trying to define a value of type `string'
    rather than an attribute set for the option
    `khepri.compositions.app.podman'!
    This usually happens if `khepri.compositions.app.podman' has option
    definitions inside that are not matched. Please check how to properly define
    this option by e.g. referring to `man 5 configuration.nix'!
  '';
}
