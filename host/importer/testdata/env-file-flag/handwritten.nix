{ ... }:
{
  khepri.compositions.env-file-flag.services.app.image = "example/app:from-flag";
}
