package parse

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// Device checks a device as docker and podman read it: a CDI device name
// (vendor/class=name), or host[:container][:permissions] with absolute paths and
// permissions in the device cgroup's terms.
func Device(s string) error {
	if s == "" {
		return fmt.Errorf("empty device: use host[:container[:permissions]] or a CDI name such as nvidia.com/gpu=all")
	}
	if !strings.HasPrefix(s, "/") && strings.Contains(s, "=") {
		// A CDI name; the engine resolves it against its CDI specs.
		return nil
	}
	parts := strings.Split(s, ":")
	host := parts[0]
	switch {
	case len(parts) > 3:
		return fmt.Errorf("invalid device %q: use host[:container[:permissions]], with at most two ':'", s)
	case !path.IsAbs(host):
		return fmt.Errorf("invalid device %q: the host device %q must be an absolute path, such as /dev/ttyUSB0", s, host)
	case len(parts) == 2 && !validDeviceMode(parts[1]) && !path.IsAbs(parts[1]):
		return fmt.Errorf("invalid device %q: %q is neither an absolute path in the container nor permissions; %s", s, parts[1], deviceModes)
	case len(parts) == 3 && !path.IsAbs(parts[1]):
		return fmt.Errorf("invalid device %q: the container path %q must be absolute", s, parts[1])
	case len(parts) == 3 && !validDeviceMode(parts[2]):
		return fmt.Errorf("invalid device %q: invalid permissions %q; %s", s, parts[2], deviceModes)
	}
	return nil
}

const deviceModes = "permissions are r (read), w (write) and m (mknod), each at most once, such as rwm or r"

// validDeviceMode is the engines' rule for device permissions: r, w and m, each at most
// once, at least one.
func validDeviceMode(mode string) bool {
	seen := map[rune]bool{}
	for _, c := range mode {
		if !strings.ContainsRune("rwm", c) || seen[c] {
			return false
		}
		seen[c] = true
	}
	return mode != ""
}

// cgroupRuleRe is both engines' form of a device cgroup rule (docker's CLI and podman
// share moby's expression).
var cgroupRuleRe = regexp.MustCompile(`^[acb] ([0-9]+|\*):([0-9]+|\*) [rwm]{1,3}$`)

// DeviceCgroupRule checks a rule of device_cgroup_rules.
func DeviceCgroupRule(s string) error {
	if !cgroupRuleRe.MatchString(s) {
		return fmt.Errorf("invalid device cgroup rule %q: use \"type major:minor permissions\", with type a, b or c, numbers or * and permissions of r, w and m, such as \"c 1:3 mr\" or \"a *:* rwm\"", s)
	}
	return nil
}
