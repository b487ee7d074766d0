// Package verbatim checks the values that NixOS's oci-containers module writes into a
// container unit's root shell scripts without quoting them (nixpkgs
// nixos/modules/virtualisation/oci-containers.nix, mkService, at
// 035a24e7ed33009b8a503ad0b76679665b8977a8). Of its attributes, these are unquoted:
//
//   - image: the last word before the command of `exec docker run …` (and of
//     `image inspect` after a registry login, which khepri does not configure);
//   - log-driver: `--log-driver=${log-driver}`;
//   - the container's attribute name: `docker rm -f NAME` in the pre-start and the
//     post-stop, `docker stop NAME` in the pre-stop (naming.ValidateContainer);
//   - login.registry and login.passwordFile, which khepri never sets;
//   - imageFile and imageStream, store paths; podman.sdnotify, an enum.
//
// A value outside these grammars would be shell code run as root when the container
// starts, so it is an error, never something to quote: quoting here would change what
// the engine is given.
//
// Every character the grammars allow is inert in an unquoted bash word, but for the '['
// and ']' around an IPv6 registry host, which make the word a glob pattern. It matches
// only a path under the unit's working directory, /, where only root writes.
package verbatim

import (
	"fmt"

	"github.com/distribution/reference"
)

// Image checks an image reference with the grammar docker and podman read it with
// (docker's reference library, the one compose-go uses): `[registry[:port]/]path[:tag]
// [@digest]`, the registry possibly an IPv6 address in brackets, or an image ID.
func Image(s string) error {
	if _, err := reference.ParseAnyReference(s); err != nil {
		return fmt.Errorf("invalid image reference %q: %v; an image is [registry[:port]/]name[:tag][@digest], lowercase name, no spaces or shell characters", s, err)
	}
	return nil
}

// LogDriver checks a log driver: one of the engines' drivers (json-file, journald,
// local, syslog, k8s-file, …) or a docker logging plugin, named by its reference
// (grafana/loki-docker-driver:latest), which is the grammar docker reads it with.
func LogDriver(s string) error {
	ref, err := reference.ParseNormalizedNamed(s)
	if err == nil {
		if _, digested := ref.(reference.Digested); !digested {
			return nil
		}
	}
	return fmt.Errorf("invalid log driver %q: a driver is named in lowercase letters, digits, '.', '_' and '-' (json-file, journald, local), or a logging plugin by name[:tag]", s)
}
