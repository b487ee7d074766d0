{ ... }:
{
  khepri.compositions.interp.services.app = {
    image = "registry.example.org/app:latest";
    environment = {
      EMPTY_DEFAULT = "";
      FROM_DOTENV = "hello \"world\"";
      LITERAL_DOLLAR = "cost: $5 and \${HOME}";
      WITH_DEFAULT = "fallback";
    };
    ports = [ "9000:80" ];
  };
}
