# Shared by the scripts: locate the repository, build the binaries, find Nix.
# shellcheck shell=bash
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

# Nix never waits for a binary cache; the expansion builds locally in milliseconds.
nix_opts=(--option substituters '')

say() { printf '%s\n' "$*" >&2; }

# build_khepri builds static binaries into .build/khepri/bin, laid out as the Nix package.
build_khepri() {
  mkdir -p .build/khepri/bin
  CGO_ENABLED=0 go build -trimpath -o .build/khepri/bin/khepri ./host
  CGO_ENABLED=0 go build -trimpath -o .build/khepri/bin/khepri-expander ./plugin
  printf '%s\n' "$root/.build/khepri"
}

# ensure_command CMD PACKAGE installs Debian's PACKAGE when CMD is missing and this is a
# Debian machine on which we may install packages.
ensure_command() {
  command -v "$1" >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing $2 (Debian package) for $1"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  fi
  command -v "$1" >/dev/null
}

# ensure_nix makes nix-instantiate available.
ensure_nix() {
  ensure_command nix-instantiate nix-bin
}

# nixpkgs_lib prints the path of the nixpkgs library, when <nixpkgs/lib> resolves.
nixpkgs_lib() {
  local lib
  lib=$(nix-instantiate --find-file nixpkgs/lib 2>/dev/null) && [ -f "$lib/modules.nix" ] && printf '%s\n' "$lib"
}

# The nixpkgs library fetched when <nixpkgs/lib> does not resolve: pinned, so that every
# machine tests against the same library (the hash is of the unpacked tree).
nixpkgs_lib_rev=de42d44212d207476489bce163375d8306a26d59
nixpkgs_lib_sha256=1v7rldwwmxw2wq7b8zrsmz3mk1kav7q8v3m9b5g14ff4j04r69nj

# use_nixpkgs_lib makes <nixpkgs/lib> resolve: a local one (NIX_PATH, a channel) first,
# then the pinned download, which Nix keeps in its store. It sets nixpkgs_lib_path, or
# returns 1 with nixpkgs_lib_why saying why neither works.
use_nixpkgs_lib() {
  nixpkgs_lib_path=$(nixpkgs_lib) && return 0
  local src url=https://github.com/nix-community/nixpkgs.lib/archive/$nixpkgs_lib_rev.tar.gz
  if src=$(nix-instantiate --eval --read-write-mode "${nix_opts[@]}" --json \
    --argstr url "$url" --argstr sha256 "$nixpkgs_lib_sha256" \
    -E '{ url, sha256 }: builtins.fetchTarball { inherit url sha256; }' 2>/dev/null); then
    export NIX_PATH="nixpkgs=$(jq -r . <<<"$src")${NIX_PATH:+:$NIX_PATH}"
    nixpkgs_lib_path=$(nixpkgs_lib) && return 0
  fi
  nixpkgs_lib_why="<nixpkgs/lib> does not resolve and the pinned nixpkgs library ($url) could not be downloaded; offline, point NIX_PATH at a local copy (NIX_PATH=nixpkgs=/path/to/nixpkgs.lib)"
  return 1
}

# nix_eval_json evaluates a file strictly to JSON, building what import-from-derivation needs.
nix_eval_json() {
  nix-instantiate --eval --strict --json --read-write-mode "${nix_opts[@]}" "$@"
}
