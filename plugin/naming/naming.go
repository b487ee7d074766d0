// Package naming derives every name khepri gives to the engine and to systemd, following
// compose's conventions (DESIGN.md, "Compose semantics"), and validates the names users
// choose.
package naming

import (
	"fmt"
	"regexp"
	"strconv"
)

// Backend is a container backend: `virtualisation.oci-containers.backend`.
type Backend string

// The backends oci-containers supports.
const (
	Docker Backend = "docker"
	Podman Backend = "podman"
)

// ParseBackend checks a backend name.
func ParseBackend(s string) (Backend, error) {
	switch b := Backend(s); b {
	case Docker, Podman:
		return b, nil
	default:
		return Docker, fmt.Errorf("unsupported backend %q; khepri supports \"docker\" and \"podman\"", s)
	}
}

var (
	// compositionRe is compose's project name rule.
	compositionRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
	// serviceRe is compose's service name rule.
	serviceRe = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9._-]*$`)
	// engineRe is the engines' rule for container, network and volume names.
	engineRe = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)
	// containerRe is docker's rule for a container name (RestrictedNamePattern): two
	// characters or more.
	containerRe = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]+$`)
	// userRe is the portable user name systemd's User= and NixOS's users.users accept.
	userRe = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_.-]{0,31}$`)
)

// ValidateComposition checks a composition name like compose checks a project name.
func ValidateComposition(name string) error {
	if !compositionRe.MatchString(name) {
		return fmt.Errorf("invalid composition name %q: use lowercase letters, digits, '_' and '-', starting with a letter or digit (compose's project name rule)", name)
	}
	return nil
}

// ValidateService checks a service name like compose does.
func ValidateService(name string) error {
	if !serviceRe.MatchString(name) {
		return fmt.Errorf("invalid service name %q: use letters, digits, '.', '_' and '-', starting with a letter or digit", name)
	}
	return nil
}

// ValidateEngine checks a container, network or volume name, or a key that becomes part
// of one, against the engines' rule.
func ValidateEngine(kind, name string) error {
	if !engineRe.MatchString(name) {
		return fmt.Errorf("invalid %s name %q: use letters, digits, '_', '.' and '-', starting with a letter or digit", kind, name)
	}
	return nil
}

// ValidateContainer checks a container name against docker's rule. NixOS writes the
// name unquoted into the unit's scripts (`docker rm -f NAME`, `docker stop NAME`), which
// the rule keeps safe.
func ValidateContainer(name string) error {
	if !containerRe.MatchString(name) {
		return fmt.Errorf("invalid container name %q: use two or more letters, digits, '_', '.' and '-', starting with a letter or digit (docker's rule; NixOS writes the name unquoted into the unit's scripts)", name)
	}
	return nil
}

// ValidateUser checks a user name that a unit runs as.
func ValidateUser(name string) error {
	if !userRe.MatchString(name) {
		return fmt.Errorf("invalid user name %q: use at most 32 letters, digits, '_', '.' and '-', starting with a letter or '_'", name)
	}
	return nil
}

// Container is the container name: `<composition>-<service>` unless containerName is set.
func Container(composition, service, containerName string) string {
	if containerName != "" {
		return containerName
	}
	return composition + "-" + service
}

// Replica names the container of a scaled service's replica n, counted from 1 as compose
// numbers them.
func Replica(composition, service string, n int) string {
	return Container(composition, service, "") + "-" + strconv.Itoa(n)
}

// Resource is the engine name of a network or volume: `name` when set, the key itself
// when external, `<composition>_<key>` otherwise.
func Resource(composition, key, name string, external bool) string {
	switch {
	case name != "":
		return name
	case external:
		return key
	default:
		return composition + "_" + key
	}
}

// ContainerUnit is the unit oci-containers generates for a container, without suffix.
func ContainerUnit(b Backend, container string) string {
	return string(b) + "-" + container
}

// ResourcesUnit is khepri's unit creating a composition's networks and volumes, without
// suffix: one unit for all of them, since NixOS types every unit it is given.
func ResourcesUnit(composition string) string {
	return "khepri-" + composition + "-resources"
}

// Target is a composition's target, without suffix.
func Target(composition string) string {
	return "khepri-" + composition
}

// Service appends the `.service` suffix to a unit name.
func Service(unit string) string { return unit + ".service" }

// TargetFile appends the `.target` suffix to a target name.
func TargetFile(target string) string { return target + ".target" }

// HostNetworkUnit names the unit creating a host-level network (`khepri.networks.<key>`).
func HostNetworkUnit(key string) string { return "khepri-network-" + key }

// HostVolumeUnit names the unit creating a host-level volume (`khepri.volumes.<key>`).
func HostVolumeUnit(key string) string { return "khepri-volume-" + key }

// HostUnitAs names the unit creating a host-level network or volume (unit, root's) in a
// rootless user's podman.
func HostUnitAs(unit, user string) string { return unit + "-as-" + user }

// UnitNameMax is the longest unit name systemd takes, its suffix included: systemd's
// UNIT_NAME_MAX is 256 with the terminating NUL.
const UnitNameMax = 255

// CheckUnit checks that systemd takes unit, a unit name with its suffix; what names the
// parts to shorten otherwise (`containerName`, `the composition name or the network key`).
func CheckUnit(unit, what string) error {
	if n := len(unit); n > UnitNameMax {
		return fmt.Errorf("unit name %s is %d bytes, %d more than systemd takes (UNIT_NAME_MAX: %d bytes, the suffix included); shorten %s",
			abbreviate(unit), n, n-UnitNameMax, UnitNameMax, what)
	}
	return nil
}

// abbreviate keeps a long name's start and end, enough to recognize it in a message.
func abbreviate(s string) string {
	r := []rune(s)
	if len(r) <= 48 {
		return s
	}
	return string(r[:32]) + "…" + string(r[len(r)-16:])
}
