{
  compositions.app.services = {
    relative = {
      image = "example/web:1";
      build = "./app";
    };
    outside.build.context = "/srv/app";
    git.build = "https://github.com/acme/app.git#main";
    gitssh.build.context = "git@github.com:acme/app.git";
  };
  assertions = [
    "khepri.compositions.app.services.git.build.context: context \"https://github.com/acme/app.git#main\" is fetched by the engine when the unit runs, whatever it holds then: fetch it with Nix at a pinned revision instead, context = builtins.fetchGit { url = \"…\"; rev = \"<commit>\"; } (or a fixed-output fetcher such as pkgs.fetchFromGitHub with its hash)"
    "khepri.compositions.app.services.gitssh.build.context: context \"git@github.com:acme/app.git\" is fetched by the engine when the unit runs, whatever it holds then: fetch it with Nix at a pinned revision instead, context = builtins.fetchGit { url = \"…\"; rev = \"<commit>\"; } (or a fixed-output fetcher such as pkgs.fetchFromGitHub with its hash)"
    "khepri.compositions.app.services.outside.build.context: context \"/srv/app\" is a path outside the Nix store, whose contents can change while the configuration does not, so the image would not be rebuilt when they do: write it as a Nix path (./app, or /srv/app without quotes), which Nix copies to the store, or give a derivation"
    "khepri.compositions.app.services.relative.build.context: context \"./app\" is a relative path in a string, which nothing resolves once Nix has evaluated it: write a Nix path (./app, relative to the Nix file), which Nix copies to the store"
  ];
}
