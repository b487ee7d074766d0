{
  compositions.app.services = {
    noafter = {
      image = "ghcr.io/example/app:latest";
      pullPolicy = "refresh";
    };
    alone = {
      image = "ghcr.io/example/app:latest";
      pullRefreshAfter = "12h";
    };
    built = {
      build = ../fixtures/build/app;
      pullPolicy = "daily";
    };
  };
  assertions = [
    "khepri.compositions.app.services.alone.pullRefreshAfter: pullRefreshAfter is the interval of pull policy \"refresh\", and pullPolicy is not set: set pullPolicy = \"refresh\", or drop pullRefreshAfter"
    "khepri.compositions.app.services.built.pullPolicy: pull policy \"daily\" re-pulls the image on a schedule, and build builds it on this host: drop pullPolicy (or set it to \"build\")"
    "khepri.compositions.app.services.noafter.pullPolicy: pull policy \"refresh\" re-pulls the image once pullRefreshAfter has passed since its last pull, and pullRefreshAfter is not set: set it (such as \"12h\" or \"2d\"), or use \"daily\", \"weekly\" or \"every_<duration>\""
  ];
}
