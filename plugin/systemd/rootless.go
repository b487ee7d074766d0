package systemd

import (
	"fmt"

	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// Rootless is the unprivileged user a rootless podman composition runs as. Its podman
// keeps containers, networks and volumes of its own, out of root's sight, and its
// state in the user's runtime directory.
type Rootless struct {
	User string
	UID  uint32
}

// RuntimeDir is the user's runtime directory, /run/user/<uid>.
func (r *Rootless) RuntimeDir() string { return fmt.Sprintf("/run/user/%d", r.UID) }

// userManager is the user's systemd instance: starting it mounts the runtime directory,
// and podman runs a rootless container's healthchecks as its timers.
func (r *Rootless) userManager() string { return fmt.Sprintf("user@%d.service", r.UID) }

// Order makes a unit wait for the user's manager, and stop with it. Nothing is added
// for a rootful composition (nil).
func (r *Rootless) Order(u *khepriv1.SystemdService) {
	if r == nil {
		return
	}
	u.After = append(u.After, r.userManager())
	u.Requires = append(u.Requires, r.userManager())
}

// Container readies a rootless container's unit: it waits for the user's manager, and
// its cgroup is delegated, without which a rootless podman started from a system unit,
// with the user's manager running, hangs at `--sdnotify=conmon`. oci-containers (at
// nixpkgs 035a24e7) delegates only for `sdnotify = "healthy"`.
func (r *Rootless) Container(u *khepriv1.SystemdService) {
	if r == nil {
		return
	}
	r.Order(u)
	setConfig(u, "Delegate", "true")
}

// Own makes one of khepri's units run podman as the user, in the user's podman: the
// same store and runtime directory as the user's containers.
func (r *Rootless) Own(u *khepriv1.SystemdService) {
	if r == nil {
		return
	}
	r.Order(u)
	setConfig(u, "User", r.User)
	setConfig(u, "Environment", "XDG_RUNTIME_DIR="+r.RuntimeDir())
}

// setConfig sets a serviceConfig key of a unit.
func setConfig(u *khepriv1.SystemdService, key, value string) {
	if u.ServiceConfig == nil {
		u.ServiceConfig = map[string]string{}
	}
	u.ServiceConfig[key] = value
}

// Owner names the engine a composition's containers, networks and volumes live in:
// the user's podman, or "" for root's engine (nil).
func (r *Rootless) Owner() string {
	if r == nil {
		return ""
	}
	return r.User
}

// Engine describes an owner's engine for messages; only podman runs rootless.
func Engine(owner string) string {
	if owner == "" {
		return "root's podman"
	}
	return owner + "'s rootless podman"
}
