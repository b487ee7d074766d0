{
  description = "khepri: docker-compose stacks declared natively in NixOS";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs =
    { self, nixpkgs }:
    let
      inherit (nixpkgs) lib;
      systems = [
        "x86_64-linux"
        "aarch64-linux"
      ];
      forAllSystems = f: lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
      khepriLib = import ./nixlib { inherit lib; };
    in
    {
      packages = forAllSystems (pkgs: {
        default = pkgs.callPackage ./package.nix { };
      });

      nixosModules = {
        khepri = ./nixlib/module.nix;
        default = self.nixosModules.khepri;
      };

      # lib.expand { pkgs, compositions, backend }: one expansion, shareable by many hosts.
      lib = {
        inherit (khepriLib) expand;
      };

      checks = forAllSystems (
        pkgs:
        {
          package = self.packages.${pkgs.stdenv.hostPlatform.system}.default;
          formatting = pkgs.runCommand "khepri-nixfmt" { } ''
            find ${self} -name '*.nix' -exec ${lib.getExe pkgs.nixfmt} --check {} +
            touch $out
          '';
        }
        // lib.optionalAttrs pkgs.stdenv.hostPlatform.isLinux (
          lib.listToAttrs (
            map (backend: {
              name = "vm-${backend}";
              value = import ./tests/vm {
                inherit pkgs backend;
                module = self.nixosModules.default;
              };
            }) [
              "docker"
              "podman"
            ]
            ++ [
              {
                name = "vm-podman-rootless";
                value = import ./tests/vm/rootless.nix {
                  inherit pkgs;
                  module = self.nixosModules.default;
                };
              }
            ]
          )
        )
      );

      formatter = forAllSystems (pkgs: pkgs.nixfmt);

      devShells = forAllSystems (pkgs: {
        default = pkgs.mkShell {
          packages = [
            pkgs.go
            pkgs.buf
            pkgs.protoc-gen-go
            pkgs.protoc-gen-go-grpc
            pkgs.nixfmt
          ];
        };
      });
    };
}
