{ ... }:
{
  khepri.compositions.interp.services.app = {
    image = "registry.example.org/app:latest";
    environment = {
      FROM_DOTENV = ''hello "world"'';
      WITH_DEFAULT = "fallback";
      EMPTY_DEFAULT = "";
      LITERAL_DOLLAR = "cost: $5 and \${HOME}";
    };
    ports = [ "9000:80" ];
  };
}
