package service

import (
	"strconv"
	"strings"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/naming"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// run is one service being expanded: what Build's steps read (the composition, the
// service, its option path) and what they write (the container, its unit, the
// diagnostics). Every step is a method of it, run in the order build gives.
type run struct {
	c    *Composition
	name string
	svc  *khepriv1.Service
	path diag.Path
	d    *diag.Collector
	ctr  *khepriv1.Container
	// unit extends the container's oci-containers unit.
	unit *khepriv1.SystemdService
	// pre collects the unit's preStart: the directories, file copies and env file the
	// mounts, secrets and env files need before the container starts.
	pre preStart
	// deps are the services a `service:` reference depends on, by the option naming them.
	deps map[string]string
}

// flag adds a run flag with a value, on one without; podman tells whether the backend
// is podman.
func (r *run) flag(f string, v string) { r.ctr.ExtraOptions = append(r.ctr.ExtraOptions, f+"="+v) }
func (r *run) on(f string)             { r.ctr.ExtraOptions = append(r.ctr.ExtraOptions, f) }
func (r *run) podman() bool            { return r.c.Backend == naming.Podman }

// dockerOnly reports an error for a key podman has no flag for, and tells whether the
// backend is docker.
func (r *run) dockerOnly(field, instead string) bool {
	if !r.podman() {
		return true
	}
	r.d.Errorf(r.path.Field(field), "podman has no equivalent of %s; %s", field, instead)
	return false
}

// word checks a value that becomes one flag value: non-empty and free of control
// characters, which no engine takes in a name or mode.
func (r *run) word(field, v string) bool {
	if strings.TrimSpace(v) == "" || strings.ContainsFunc(v, func(c rune) bool { return c < ' ' || c == 0x7f }) {
		r.d.Errorf(r.path.Field(field), "invalid %s %q: it must be non-empty, without control characters", field, v)
		return false
	}
	return true
}

func itoa64(i int64) string { return strconv.FormatInt(i, 10) }

// addUnit orders the container after a unit and requires or wants it. An empty unit
// (an external resource) adds nothing.
func addUnit(u *khepriv1.SystemdService, unit string, required bool) {
	if unit == "" {
		return
	}
	u.After = append(u.After, unit)
	if required {
		u.Requires = append(u.Requires, unit)
	} else {
		u.Wants = append(u.Wants, unit)
	}
}

// setService sets a [Service] setting of the container's unit.
func setService(u *khepriv1.SystemdService, k, v string) {
	if u.ServiceConfig == nil {
		u.ServiceConfig = map[string]string{}
	}
	u.ServiceConfig[k] = v
}

// setUnit sets a [Unit] setting of the container's unit.
func setUnit(u *khepriv1.SystemdService, k, v string) {
	if u.UnitConfig == nil {
		u.UnitConfig = map[string]string{}
	}
	u.UnitConfig[k] = v
}
