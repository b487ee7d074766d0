//go:build systemd

// Package systemd is the systemd tier of scripts/test: expanded stacks run under a real
// systemd (Debian's, as PID 1 of a container), their units rendered as NixOS renders
// them (nixunits), and the khepri command drives them over D-Bus. Every test runs on
// docker, on root's podman and on a user's podman (a rootless composition).
//
// A test boots a machine: a container of an image built at test time from Debian's
// packages (image.go: Debian 13, systemd 257 and podman 5), running systemd as PID 1.
// On docker the host's Docker socket and docker command are mounted in, so its units
// drive the host's engine as a NixOS host's drive its own; on podman the units run
// the machine's own podman. A unit's PATH is made of prefixes that stand for the Nix
// packages NixOS puts there: /opt/docker holds the host's docker command, /nix-path/…
// the programs of the Debian packages of coreutils, findutils, gnugrep, gnused, systemd
// and podman, and nothing else, so a unit finds what NixOS would give it.
//
// What differs from a NixOS host, and why:
//
//   - docker: the engine runs outside the machine. docker.service is not one of its
//     units (After= on it is a no-op), and a bind mount's source is a path on the
//     engine's host, not in the machine.
//   - docker: an engine whose host has no journald refuses --log-driver=journald; there
//     the containers that set no log driver get json-file (nixunits.Host.LogDriver),
//     which `docker logs` reads. The unit's journal still holds what the container
//     prints: `docker run`, the unit's main process, is attached to it. podman's
//     journald is the machine's, so its containers keep NixOS's journald.
//   - podman: vfs storage (overlay cannot be mounted on the engine's storage from an
//     unprivileged container); on a cgroup v1 host, podman 5 warns that v1 is
//     deprecated, which the tests' own podman commands silence.
//   - The machine needs more of the engine than a container usually gets (machineFlags):
//     SYS_ADMIN, no seccomp or AppArmor profile, the cgroup mount, NET_ADMIN, every
//     device rule, an unmasked /proc and /dev/net/tun; not --privileged.
//   - switch-to-configuration is reduced to what the tests need (switchTo).
package systemd

import (
	"archive/tar"
	"bytes"
	"cmp"
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/khepri-nix/khepri/tests/systemd/nixunits"
)

// Where the machine finds what NixOS would put on the host.
const (
	// engineDir stands for the engine's package: its bin/docker is the host's docker.
	engineDir = "/opt/docker"
	// khepriBin is the khepri command, as khepri.cli installs it.
	khepriBin = "/usr/local/bin/khepri"
)

// machine is one booted systemd container.
type machine struct {
	t    *testing.T
	name string
}

// machineFlags are what systemd needs of the engine to run as a container's PID 1
// (--privileged is more, and some hosts refuse it); NET_ADMIN for podman's networks and
// every device rule for its runtime's device cgroup (cgroup v1); what rootless podman
// needs: an unmasked /proc, in which it mounts a proc of its own, and the tun device
// where the host has one, for its network (pasta).
func machineFlags() []string {
	flags := []string{"--cap-add", "SYS_ADMIN", "--cap-add", "NET_ADMIN", "--device-cgroup-rule", "a *:* rwm",
		"--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined", "--security-opt", "systempaths=unconfined",
		"-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw", "--tmpfs", "/run", "--tmpfs", "/run/lock", "-e", "container=docker"}
	if _, err := os.Stat("/dev/net/tun"); err == nil {
		flags = append(flags, "--device", "/dev/net/tun")
	}
	return flags
}

// boot starts a machine named name and waits until systemd has booted it. It is
// removed when the test ends, before the engine objects of the test are (t.Cleanup
// runs last-registered first: register those before booting).
func boot(t *testing.T, name string) *machine {
	t.Helper()
	m := &machine{t: t, name: name}
	args := append(append([]string{"run", "-d", "--name", name}, machineFlags()...),
		"-v", dockerSocket+":/var/run/docker.sock",
		"-v", dockerCLI+":"+engineDir+"/bin/docker:ro",
		"-v", binDir+"/khepri:"+khepriBin+":ro",
		machineImg, "/lib/systemd/systemd")
	if out, err := exec.Command("docker", args...).CombinedOutput(); err != nil {
		t.Fatalf("boot %s: %v: %s", name, err, out)
	}
	t.Cleanup(func() {
		if t.Failed() {
			out, _ := m.run("journalctl", "--no-pager", "-n", "400")
			t.Logf("journal of %s:\n%s", name, out)
		}
		if out, err := exec.Command("docker", "rm", "-f", name).CombinedOutput(); err != nil {
			t.Errorf("remove %s: %v: %s", name, err, out)
		}
	})
	var state string
	poll(t, 2*time.Minute, "systemd in "+name+" to boot", func() bool {
		state, _ = m.run("systemctl", "is-system-running")
		return state == "running" || state == "degraded"
	})
	if state == "degraded" {
		failed, _ := m.run("systemctl", "--failed", "--no-legend")
		t.Logf("%s booted degraded: %s", name, failed)
	}
	return m
}

// run runs a command in the machine as root and returns its trimmed stdout; an error
// holds its stderr.
func (m *machine) run(argv ...string) (string, error) {
	return m.runAs(nil, argv...)
}

// runAs runs a command as root, with a root shell's PATH, or as a user in /, with
// that user's HOME and runtime directory.
func (m *machine) runAs(u *user, argv ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "docker", append(append(execArgs(u), m.name), argv...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	out := strings.TrimSpace(stdout.String())
	if err != nil {
		return out, fmt.Errorf("%s: %v: %s", strings.Join(argv, " "), err, strings.TrimSpace(stderr.String()+"\n"+out))
	}
	return out, nil
}

// execArgs are `docker exec`'s arguments for a command as root or as u. podman's
// warning that cgroup v1 is deprecated (this host's) is left out of every output.
func execArgs(u *user) []string {
	args := []string{"exec", "-e", "PATH=" + engineDir + "/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "-e", "PODMAN_IGNORE_CGROUPSV1_WARNING=1"}
	if u != nil {
		args = append(args, "-u", u.uid, "-w", "/", "-e", "HOME=/home/"+u.name, "-e", "XDG_RUNTIME_DIR=/run/user/"+u.uid)
	}
	return args
}

// must runs a command in the machine, failing the test on error.
func (m *machine) must(argv ...string) string {
	m.t.Helper()
	out, err := m.run(argv...)
	if err != nil {
		m.t.Fatal(err)
	}
	return out
}

// show returns unit properties as `systemctl show` gives them.
func (m *machine) show(unit string, props ...string) map[string]string {
	m.t.Helper()
	args := []string{"systemctl", "show", unit}
	for _, p := range props {
		args = append(args, "-p", p)
	}
	out := m.must(args...)
	got := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			got[k] = v
		}
	}
	return got
}

// active is a unit's ActiveState.
func (m *machine) active(unit string) string {
	m.t.Helper()
	return m.show(unit, "ActiveState")["ActiveState"]
}

// write copies files into the machine (one tar stream through docker cp).
func (m *machine) write(files []nixunits.File) {
	m.t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	dirs := map[string]bool{}
	for _, f := range files {
		for d := path.Dir(f.Path); d != "/" && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	// Parents first, so that docker cp makes each directory before its files.
	sorted := slices.SortedFunc(maps.Keys(dirs), func(a, b string) int {
		return cmp.Or(cmp.Compare(strings.Count(a, "/"), strings.Count(b, "/")), strings.Compare(a, b))
	})
	for _, d := range sorted {
		must(m.t, tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: strings.TrimPrefix(d, "/") + "/", Mode: 0o755}))
	}
	for _, f := range files {
		name := strings.TrimPrefix(f.Path, "/")
		if f.Link != "" {
			must(m.t, tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: f.Link}))
			continue
		}
		must(m.t, tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: f.Mode, Size: int64(len(f.Content))}))
		_, err := tw.Write([]byte(f.Content))
		must(m.t, err)
	}
	must(m.t, tw.Close())
	cmd := exec.Command("docker", "cp", "-", m.name+":/")
	cmd.Stdin = &buf
	if out, err := cmd.CombinedOutput(); err != nil {
		m.t.Fatalf("docker cp into %s: %v: %s", m.name, err, out)
	}
}

// addUser makes a normal user (useradd gives it subordinate ids), turns lingering on,
// and waits for its manager, as NixOS's users.users and linger do.
func (m *machine) addUser(u *user) error {
	if _, err := m.run("useradd", "--create-home", "--uid", u.uid, u.name); err != nil {
		return err
	}
	if _, err := m.run("loginctl", "enable-linger", u.name); err != nil {
		return err
	}
	unit := "user@" + u.uid + ".service"
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
		if st, _ := m.run("systemctl", "is-active", unit); st == "active" {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not start after loginctl enable-linger %s", unit, u.name)
		}
	}
}

// remove deletes files of the machine.
func (m *machine) remove(paths []string) {
	m.t.Helper()
	if len(paths) > 0 {
		m.must(append([]string{"rm", "-f", "--"}, paths...)...)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// poll checks cond every 200 ms until it holds, failing the test after limit: a
// bound generous enough for a busy machine, never a measurement.
func poll(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); ; time.Sleep(200 * time.Millisecond) {
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", limit, what)
		}
	}
}
