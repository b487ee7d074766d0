{
  services.app = {
    image = "busybox";
    labels = {
      "in" = "keyword";
      # compose interpolates values, not keys.
      "\${X:-}" = "empty";
    };
  };
}
