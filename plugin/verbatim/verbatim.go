// Package verbatim checks the values that NixOS's oci-containers module writes into a
// container unit's root shell script without quoting them (nixpkgs
// nixos/modules/virtualisation/oci-containers.nix, mkService): the image, the last word
// before the command of `exec docker run …`, and the log driver, in
// `--log-driver=${log-driver}`. The container name is unquoted too (`docker rm -f NAME`,
// `docker stop NAME`); naming.ValidateContainer checks it. A value outside these
// grammars would be shell code run as root when the container starts, so it is an error,
// never something to quote: quoting it here would change what the engine is given.
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
