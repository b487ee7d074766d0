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

# nix_eval_json evaluates a file strictly to JSON, building what import-from-derivation needs.
nix_eval_json() {
  nix-instantiate --eval --strict --json --read-write-mode "${nix_opts[@]}" "$@"
}
