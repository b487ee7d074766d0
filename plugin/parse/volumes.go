package parse

import (
	"errors"
	"fmt"
	"strings"
)

// MountKind tells what a short-syntax volume mounts.
type MountKind int

// The kinds of short-syntax volumes.
const (
	// Bind mounts an absolute host path (a store path included).
	Bind MountKind = iota
	// Named mounts a volume declared in the composition.
	Named
	// Anonymous mounts a fresh volume the engine names.
	Anonymous
)

// Mount is one entry of compose's short `volumes` syntax: `source:target[:options]`, or a
// lone `target` for an anonymous volume.
type Mount struct {
	Kind MountKind
	// Source is the host path or the volume key; empty for an anonymous volume.
	Source string
	Target string
	// Options is the options suffix as written, without the colon; empty when none.
	Options string
}

// String renders the mount in short syntax, with source replaced by the caller when the
// engine name of a named volume differs from its key.
func (m Mount) String() string {
	parts := []string{m.Target}
	if m.Kind != Anonymous {
		parts = []string{m.Source, m.Target}
	}
	if m.Options != "" {
		parts = append(parts, m.Options)
	}
	return strings.Join(parts, ":")
}

// ErrRelativeSource is returned for `./x` and `~/x` sources: compose resolves them
// against the project directory or home, which a NixOS composition does not have.
var ErrRelativeSource = errors.New("a relative or home-relative source has no meaning here: khepri has no project directory; use an absolute path or a Nix path")

// ParseMount parses one entry of compose's short `volumes` syntax.
func ParseMount(s string) (Mount, error) {
	parts := strings.Split(s, ":")
	var m Mount
	switch len(parts) {
	case 1:
		m = Mount{Kind: Anonymous, Target: parts[0]}
	case 2:
		m = Mount{Source: parts[0], Target: parts[1]}
	case 3:
		m = Mount{Source: parts[0], Target: parts[1], Options: parts[2]}
		if m.Options == "" {
			return Mount{}, fmt.Errorf("invalid volume %q: empty options after the last ':'", s)
		}
	default:
		return Mount{}, fmt.Errorf("invalid volume %q: too many ':'; use source:target[:options]", s)
	}
	if !strings.HasPrefix(m.Target, "/") {
		return Mount{}, fmt.Errorf("invalid volume %q: the target %q must be an absolute path in the container; use source:target[:options]", s, m.Target)
	}
	if m.Kind != Anonymous {
		switch {
		case m.Source == "":
			return Mount{}, fmt.Errorf("invalid volume %q: empty source; use source:target[:options]", s)
		case strings.HasPrefix(m.Source, "/"):
			m.Kind = Bind
		case strings.HasPrefix(m.Source, ".") || strings.HasPrefix(m.Source, "~"):
			return Mount{}, fmt.Errorf("invalid volume %q: %w", s, ErrRelativeSource)
		default:
			m.Kind = Named
		}
	}
	if err := checkMountOptions(m); err != nil {
		return Mount{}, fmt.Errorf("invalid volume %q: %w", s, err)
	}
	return m, nil
}

var propagations = map[string]bool{
	"shared": true, "slave": true, "private": true,
	"rshared": true, "rslave": true, "rprivate": true,
}

// checkMountOptions accepts what docker's short-syntax parser accepts: at most one of
// ro/rw, one SELinux label, one propagation mode (bind mounts only) and nocopy (volumes
// only).
func checkMountOptions(m Mount) error {
	if m.Options == "" {
		return nil
	}
	seen := map[string]string{}
	for opt := range strings.SplitSeq(m.Options, ",") {
		var group string
		switch {
		case opt == "ro" || opt == "rw":
			group = "access mode (ro, rw)"
		case opt == "z" || opt == "Z":
			group = "SELinux label (z, Z)"
		case propagations[opt]:
			group = "propagation (shared, slave, private, rshared, rslave, rprivate)"
			if m.Kind != Bind {
				return fmt.Errorf("propagation %q applies to bind mounts only", opt)
			}
		case opt == "nocopy":
			group = "nocopy"
			if m.Kind == Bind {
				return errors.New("nocopy applies to volumes only, not to bind mounts")
			}
		default:
			return fmt.Errorf("unknown option %q; allowed: ro, rw, z, Z, nocopy, shared, slave, private, rshared, rslave, rprivate, comma-separated", opt)
		}
		if prev, dup := seen[group]; dup {
			return fmt.Errorf("options %q and %q both set the %s", prev, opt, group)
		}
		seen[group] = opt
	}
	return nil
}
