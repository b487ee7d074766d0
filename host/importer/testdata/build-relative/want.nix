{ ... }:
{
  khepri.compositions.build-relative.services.web.build = ./web;
}
