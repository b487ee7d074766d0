{
  services.app = {
    image = "busybox";
    labels = {
      "\${X:-}" = "empty";
      "in" = "keyword";
    };
  };
}
