package nixunits

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// container is oci-containers' mkService for one container: its definitions of the
// container's unit, before khepri's are added.
func (r *renderer) container(name string, c *khepriv1.Container) (*service, error) {
	b := r.host.Backend
	if c.GetPodman() != nil && b != "podman" {
		// oci-containers' own assertion.
		return nil, fmt.Errorf("virtualisation.oci-containers.containers.%s: Cannot set `podman` option if backend is `docker`.", name)
	}
	// On podman, the podman submodule exists with its defaults: user root, sdnotify conmon.
	user := "root"
	if u := c.GetPodman().GetUser(); u != "" {
		user = u
	}
	var account User
	if user != "root" {
		var ok bool
		if account, ok = r.host.Users[user]; !ok {
			return nil, fmt.Errorf("container %s runs as %s, whom Host.Users lacks", name, user)
		}
	}
	escapedName := EscapeShellArg(name)
	imageLoaded := c.GetImageFile() != "" || c.GetImageStream() != ""

	s := newService()
	if c.AutoStart == nil || c.GetAutoStart() {
		s.wantedBy = []string{"multi-user.target"}
	}
	// nixlib/nixos.nix turns lingering on for a rootless user (mkDefault), which makes
	// oci-containers order the unit after linger-users.service.
	linger := b == "podman" && user != "root"
	if !imageLoaded {
		s.wants = append(s.wants, "network-online.target")
	}
	if linger {
		s.wants = append(s.wants, "linger-users.service")
	}
	if b == "docker" {
		s.after = append(s.after, "docker.service", "docker.socket")
	}
	if !imageLoaded {
		s.after = append(s.after, "network-online.target")
	}
	if linger {
		s.after = append(s.after, "linger-users.service")
	}
	if b == "podman" && user != "root" {
		s.environment["HOME"] = account.Home
		s.set(s.unitConfig, "RequiresMountsFor", 100, "/run/user/"+strconv.FormatUint(uint64(account.UID), 10)+"/containers")
	}
	s.path = []string{r.host.Engine}
	s.script = []string{r.runScript(name, c)}
	if b == "podman" {
		s.preStop = []string{"podman stop --ignore --cidfile=/run/" + escapedName + "/ctr-id"}
		s.postStop = []string{"podman rm -f --ignore --cidfile=/run/" + escapedName + "/ctr-id"}
	} else {
		s.preStop = []string{b + " stop " + name + " || true"}
		s.postStop = []string{b + " rm -f " + name + " || true"}
	}

	s.serviceConfig["ExecStartPre"] = []def{{prio: 100, list: true, values: []string{r.preStartScript(name, c)}}}
	s.set(s.serviceConfig, "TimeoutStartSec", 100, "0")
	s.set(s.serviceConfig, "TimeoutStopSec", 100, "120")
	s.set(s.serviceConfig, "Restart", 100, "always")
	if b == "podman" {
		s.set(s.serviceConfig, "Environment", 100, "PODMAN_SYSTEMD_UNIT=%n")
		s.set(s.serviceConfig, "Type", 100, "notify")
		s.set(s.serviceConfig, "NotifyAccess", 100, "all")
		s.set(s.serviceConfig, "User", 100, user)
		s.set(s.serviceConfig, "RuntimeDirectory", 100, escapedName)
	}
	return s, nil
}

// preStartScript writes oci-containers' `pre-start` (a writeShellApplication).
func (r *renderer) preStartScript(name string, c *khepriv1.Container) string {
	b := r.host.Backend
	text := b + " rm -f " + name + " || true\n"
	// Its login lines: khepri sets no login.
	text += "\n"
	if f := c.GetImageFile(); f != "" {
		text += b + " load -i " + f + "\n"
	}
	text += "\n"
	if f := c.GetImageStream(); f != "" {
		text += f + " | " + b + " load\n"
	}
	text += "\n"
	if b == "podman" {
		text += "rm -f /run/" + EscapeShellArg(name) + "/ctr-id\n"
	}
	text += "\n"
	content := "#!/bin/bash\nset -o errexit\nset -o nounset\nset -o pipefail\n\n" + text + "\n"
	return r.storeScript("pre-start", "pre-start", content)
}

// runScript is oci-containers' `script`: the run line, one argument a line.
func (r *renderer) runScript(name string, c *khepriv1.Container) string {
	b := r.host.Backend
	q := EscapeShellArg
	args := []string{"exec " + b + " "}
	for _, o := range c.GetPreRunExtraOptions() {
		args = append(args, q(o))
	}
	logDriver := "journald"
	if r.host.LogDriver != "" {
		logDriver = r.host.LogDriver
	}
	if c.LogDriver != nil {
		logDriver = c.GetLogDriver()
	}
	// The log driver and the image are not escaped: oci-containers interpolates them.
	args = append(args, "run", "--name="+q(name), "--log-driver="+logDriver)
	if c.Entrypoint != nil {
		args = append(args, "--entrypoint="+q(c.GetEntrypoint()))
	}
	if c.Hostname != nil {
		args = append(args, "--hostname="+q(c.GetHostname()))
	}
	if b == "podman" {
		args = append(args, "--cidfile=/run/"+q(name)+"/ctr-id", "--cgroups=enabled", "--sdnotify=conmon", "-d", "--replace")
	}
	for _, k := range slices.Sorted(maps.Keys(c.GetEnvironment())) {
		args = append(args, "-e "+q(k)+"="+q(c.GetEnvironment()[k]))
	}
	for _, f := range c.GetEnvironmentFiles() {
		args = append(args, "--env-file "+q(f))
	}
	for _, p := range c.GetPorts() {
		args = append(args, "-p "+q(p))
	}
	if c.User != nil {
		args = append(args, "-u "+q(c.GetUser()))
	}
	for _, v := range c.GetVolumes() {
		args = append(args, "-v "+q(v))
	}
	for _, k := range slices.Sorted(maps.Keys(c.GetLabels())) {
		args = append(args, "-l "+q(k)+"="+q(c.GetLabels()[k]))
	}
	if c.Workdir != nil {
		args = append(args, "-w "+q(c.GetWorkdir()))
	}
	if c.GetPrivileged() {
		args = append(args, "--privileged")
	}
	if c.AutoRemoveOnStop == nil || c.GetAutoRemoveOnStop() {
		args = append(args, "--rm")
	}
	for _, add := range []bool{true, false} {
		flag := map[bool]string{true: "--cap-add=", false: "--cap-drop="}[add]
		for _, k := range slices.Sorted(maps.Keys(c.GetCapabilities())) {
			if c.GetCapabilities()[k] == add {
				args = append(args, flag+q(k))
			}
		}
	}
	for _, d := range c.GetDevices() {
		args = append(args, "--device="+q(d))
	}
	pull := "missing"
	if c.Pull != nil {
		pull = c.GetPull()
	}
	args = append(args, "--pull "+q(pull))
	for _, o := range c.GetExtraOptions() {
		args = append(args, q(o))
	}
	args = append(args, c.GetImage())
	for _, a := range c.GetCmd() {
		args = append(args, q(a))
	}
	return strings.Join(args, " \\\n  ")
}
