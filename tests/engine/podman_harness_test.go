//go:build engine

package engine

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// podmanHost is podman on this machine as the podman tests use it: root's podman, and
// the podman of a user made for the run, for rootless compositions. The first test
// that needs it sets it up; TestMain tears it down, so a run without podman tests
// never touches podman.
type podmanHost struct {
	// dir holds containers.conf and the probe image's archive, readable by the user.
	dir string
	// env is given to every podman command, root's and the user's: CONTAINERS_CONF.
	env []string
	// image is the probe image as podman names it once loaded.
	image string

	// rootless says why rootless podman does not run here, or is "".
	rootless string
	// user is the user made for the run, with its ids and the first host ids of its
	// subordinate ranges (container id 1 maps to them).
	user           string
	uid, gid       int
	subUID, subGID int
	// runtimeDir is /run/user/<uid>, made as user@<uid>.service would make it; madeRunUser
	// says the run made /run/user too.
	runtimeDir  string
	madeRunUser bool
	// tunMode is /dev/net/tun's mode before the run, when the run changed it.
	tunMode *os.FileMode
}

var (
	podmanOnce sync.Once
	podmanH    *podmanHost // nil until set up; set even when the setup failed half-way
	podmanSkip string      // why the podman tests do not run here
	podmanFail error       // the setup failed where podman should work
)

// usePodman returns root's podman, set up once; it skips the test where podman cannot
// run.
func usePodman(t *testing.T) *podmanHost {
	t.Helper()
	podmanOnce.Do(func() { podmanH, podmanSkip, podmanFail = setupPodman() })
	if podmanSkip != "" {
		t.Skip("not run: " + podmanSkip)
	}
	if podmanFail != nil {
		t.Fatalf("podman setup: %v", podmanFail)
	}
	return podmanH
}

// useRootless returns podman with the rootless user ready; it skips the test where
// rootless podman cannot run.
func useRootless(t *testing.T) *podmanHost {
	t.Helper()
	h := usePodman(t)
	if h.rootless != "" {
		t.Skip("not run: rootless podman: " + h.rootless)
	}
	return h
}

// forPodmanOwners runs test as subtests on root's podman ("rootful", owner "") and on
// the rootless user's ("rootless", owner the user).
func forPodmanOwners(t *testing.T, test func(t *testing.T, h *podmanHost, owner string)) {
	t.Run("rootful", func(t *testing.T) { test(t, usePodman(t), "") })
	t.Run("rootless", func(t *testing.T) {
		h := useRootless(t)
		test(t, h, h.user)
	})
}

func setupPodman() (*podmanHost, string, error) {
	if _, err := exec.LookPath("podman"); err != nil {
		return nil, "podman is not installed", nil
	}
	if os.Geteuid() != 0 {
		return nil, "the podman tests need root: root's podman, and a user made for rootless podman", nil
	}
	dir, err := os.MkdirTemp("", "khepri-podman-")
	if err != nil {
		return nil, "", err
	}
	h := &podmanHost{dir: dir}
	if err := os.Chmod(dir, 0o755); err != nil {
		return h, "", err
	}
	// This engine's settings, as a NixOS host's virtualisation.containers would give
	// them: runc and cgroupfs work on any cgroup layout; the default ulimits must fit
	// under the hard limits, which a container without CAP_SYS_RESOURCE cannot raise;
	// events go to a file where there is no journald.
	hard, err := exec.Command("bash", "-c", "ulimit -Hn; ulimit -Hu").Output()
	if err != nil {
		return h, "", fmt.Errorf("ulimit: %w", err)
	}
	limits := strings.Fields(string(hard))
	if len(limits) != 2 {
		return h, "", fmt.Errorf("ulimit: %q", hard)
	}
	nproc := "32768"
	if n, err := strconv.Atoi(limits[1]); err == nil && n < 32768 {
		nproc = limits[1]
	}
	conf := filepath.Join(dir, "containers.conf")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf(`[containers]
default_ulimits = ["nofile=%[1]s:%[1]s", "nproc=%[2]s:%[2]s"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
[network]
network_backend = "netavark"
`, limits[0], nproc)), 0o644); err != nil {
		return h, "", err
	}
	h.env = []string{"CONTAINERS_CONF=" + conf}
	// No registry: the probe image docker built, loaded into each podman.
	archive := filepath.Join(dir, "probe.tar")
	if _, err := dockerErr("save", "-o", archive, probeImage); err != nil {
		return h, "", err
	}
	if err := os.Chmod(archive, 0o644); err != nil {
		return h, "", err
	}
	if h.image, err = h.load("", archive); err != nil {
		return h, "", err
	}
	h.rootless = h.setupRootless(archive)
	return h, "", nil
}

var loaded = regexp.MustCompile(`Loaded image(?:\(s\))?: ([^\s,]+)`)

// load loads the probe image's archive into the owner's podman and returns the name
// podman gives it.
func (h *podmanHost) load(owner, archive string) (string, error) {
	out, err := h.run(owner, "load", "-i", archive)
	if err != nil {
		return "", err
	}
	m := loaded.FindStringSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("podman load: no image named in %q", out)
	}
	return m[1], nil
}

// setupRootless makes a user for the run, as a NixOS host declares one for a rootless
// composition (subordinate ids, a runtime directory), and returns why rootless podman
// cannot run here, or "".
func (h *podmanHost) setupRootless(archive string) string {
	for _, bin := range []string{"newuidmap", "newgidmap", "slirp4netns", "useradd", "usermod", "userdel"} {
		if _, err := exec.LookPath(bin); err != nil {
			return fmt.Sprintf("%s is not installed (rootless podman needs uidmap and slirp4netns; the test user needs useradd)", bin)
		}
	}
	tun, err := os.Stat("/dev/net/tun")
	if err != nil {
		return "slirp4netns, rootless podman's network, needs /dev/net/tun: " + err.Error()
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "khepri-" + hex.EncodeToString(b)
	if out, err := exec.Command("useradd", "-m", "-U", "-s", "/bin/sh", name).CombinedOutput(); err != nil {
		return fmt.Sprintf("useradd %s: %v: %s", name, err, bytes.TrimSpace(out))
	}
	h.user = name
	u, err := user.Lookup(name)
	if err != nil {
		return err.Error()
	}
	h.uid, _ = strconv.Atoi(u.Uid)
	h.gid, _ = strconv.Atoi(u.Gid)
	if h.subUID, err = subordinate("/etc/subuid", name, "--add-subuids"); err != nil {
		return err.Error()
	}
	if h.subGID, err = subordinate("/etc/subgid", name, "--add-subgids"); err != nil {
		return err.Error()
	}
	h.runtimeDir = fmt.Sprintf("/run/user/%d", h.uid)
	if _, err := os.Stat("/run/user"); os.IsNotExist(err) {
		if err := os.Mkdir("/run/user", 0o755); err != nil {
			return err.Error()
		}
		h.madeRunUser = true
	}
	if err := os.Mkdir(h.runtimeDir, 0o700); err != nil {
		return err.Error()
	}
	if err := os.Chown(h.runtimeDir, h.uid, h.gid); err != nil {
		return err.Error()
	}
	// slirp4netns opens the tun device as the user; many hosts keep it root's only.
	if mode := tun.Mode().Perm(); mode&0o006 != 0o006 {
		if err := os.Chmod("/dev/net/tun", mode|0o666); err != nil {
			return "/dev/net/tun is not open to users and cannot be made so: " + err.Error()
		}
		h.tunMode = &mode
	}
	if _, err := h.load(name, archive); err != nil {
		return err.Error()
	}
	return ""
}

// subordinate returns the first id of the user's range in an /etc/subuid-like file,
// giving it a free range when useradd gave none.
func subordinate(file, name, flag string) (int, error) {
	read := func() (int, int, error) {
		b, err := os.ReadFile(file)
		if err != nil && !os.IsNotExist(err) {
			return 0, 0, err
		}
		mine, free := -1, 100000
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			f := strings.Split(sc.Text(), ":")
			if len(f) != 3 {
				continue
			}
			start, err1 := strconv.Atoi(f[1])
			count, err2 := strconv.Atoi(f[2])
			if err1 != nil || err2 != nil {
				continue
			}
			if f[0] == name {
				mine = start
			}
			free = max(free, start+count)
		}
		return mine, free, nil
	}
	mine, free, err := read()
	if err != nil || mine >= 0 {
		return mine, err
	}
	if out, err := exec.Command("usermod", flag, fmt.Sprintf("%d-%d", free, free+65535), name).CombinedOutput(); err != nil {
		return 0, fmt.Errorf("usermod %s: %v: %s", flag, err, bytes.TrimSpace(out))
	}
	if mine, _, err = read(); err == nil && mine < 0 {
		err = fmt.Errorf("%s: no range for %s", file, name)
	}
	return mine, err
}

// teardownPodman removes what setupPodman made: the user with its podman and its
// processes, and the temporary directory; it restores /dev/net/tun. Root's podman
// keeps the probe image, as docker does.
func teardownPodman() error {
	h := podmanH
	if h == nil {
		return nil
	}
	var errs []error
	if h.user != "" {
		if h.runtimeDir != "" {
			// Removes the user's containers, networks, volumes and images.
			if _, err := h.run(h.user, "system", "reset", "--force"); err != nil {
				errs = append(errs, err)
			}
			// The pause process holding the user's namespaces, if reset left it.
			if b, err := os.ReadFile(filepath.Join(h.runtimeDir, "libpod/tmp/pause.pid")); err == nil {
				if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && ownedBy(pid, h.uid) {
					_ = syscall.Kill(pid, syscall.SIGKILL)
				}
			}
		}
		if out, err := exec.Command("userdel", "-r", h.user).CombinedOutput(); err != nil {
			errs = append(errs, fmt.Errorf("userdel %s: %v: %s", h.user, err, bytes.TrimSpace(out)))
		}
		for _, d := range []string{h.runtimeDir, fmt.Sprintf("/tmp/podman-run-%d", h.uid), fmt.Sprintf("/tmp/containers-user-%d", h.uid)} {
			if d != "" {
				errs = append(errs, os.RemoveAll(d))
			}
		}
	}
	if h.madeRunUser {
		errs = append(errs, os.Remove("/run/user"))
	}
	if h.tunMode != nil {
		errs = append(errs, os.Chmod("/dev/net/tun", *h.tunMode))
	}
	errs = append(errs, os.RemoveAll(h.dir))
	return errors.Join(errs...)
}

// ownedBy: pid is a live process of uid.
func ownedBy(pid, uid int) bool {
	fi, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
	if err != nil {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == uid
}

// run runs podman as root (owner "") or as the rootless user, as the runner runs a
// unit's commands, and returns its trimmed stdout. podman's stderr has harmless noise
// (syslog, shared mounts): only the exit status counts.
func (h *podmanHost) run(owner string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd, err := command(ctx, owner, h.env, append([]string{"podman"}, args...)...)
	if err != nil {
		return "", err
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		who := "root's podman"
		if owner != "" {
			who = owner + "'s podman"
		}
		return stdout.String(), fmt.Errorf("%s: podman %s: %v: %s", who, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(stdout.String()), nil
}

func (h *podmanHost) podman(t *testing.T, owner string, args ...string) string {
	t.Helper()
	out, err := h.run(owner, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// exists: the owner's podman has the container, network or volume.
func (h *podmanHost) exists(owner, kind, name string) bool {
	_, err := h.run(owner, kind, "exists", name)
	return err == nil
}

// names lists the owner's containers, networks or volumes.
func (h *podmanHost) names(t *testing.T, owner, kind string) []string {
	t.Helper()
	args := map[string][]string{
		"container": {"ps", "-a", "--format", "{{.Names}}"},
		"network":   {"network", "ls", "--format", "{{.Name}}"},
		"volume":    {"volume", "ls", "--format", "{{.Name}}"},
	}[kind]
	return strings.Fields(h.podman(t, owner, args...))
}

// uniqueName is a composition name no other run uses; what the test leaves in root's
// or the user's podman under it is removed when the test ends.
func (h *podmanHost) uniqueName(t *testing.T) string {
	name := freshName()
	t.Cleanup(func() { h.removeAll(t, name) })
	return name
}

func (h *podmanHost) removeAll(t *testing.T, prefix string) {
	owners := []string{""}
	if h.rootless == "" {
		owners = append(owners, h.user)
	}
	for _, owner := range owners {
		for _, kind := range []string{"container", "network", "volume"} {
			var mine []string
			for _, n := range h.names(t, owner, kind) {
				if strings.HasPrefix(n, prefix) {
					mine = append(mine, n)
				}
			}
			if len(mine) == 0 {
				continue
			}
			rm := append([]string{kind, "rm", "-f"}, mine...)
			if kind == "container" {
				rm = append([]string{"rm", "-f", "-t", "0"}, mine...)
			}
			if _, err := h.run(owner, rm...); err != nil {
				t.Errorf("cleanup: %v", err)
			}
		}
	}
	// Runtime directories of units a failed test left started, and rootless copies of
	// secrets.
	dirs, _ := filepath.Glob("/run/" + prefix + "*")
	if h.runtimeDir != "" {
		more, _ := filepath.Glob(filepath.Join(h.runtimeDir, "khepri", prefix+"*"))
		dirs = append(dirs, more...)
	}
	for _, d := range dirs {
		if err := os.RemoveAll(d); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	}
}

// expand expands compositions (the JSON of khepri.compositions, PROBE standing for the
// probe image) for the podman backend, with a runner for podman.
func (h *podmanHost) expand(t *testing.T, name, compositions string) *stack {
	t.Helper()
	return h.expandWith(t, name, compositions, nil)
}

// expandWith expands as expand does, with settings (imageLock, imageFetch, …) added
// to the request.
func (h *podmanHost) expandWith(t *testing.T, name, compositions string, settings map[string]any) *stack {
	t.Helper()
	req := map[string]any{"backend": "podman", "compositions": json.RawMessage(strings.ReplaceAll(compositions, "PROBE", h.image))}
	maps.Copy(req, settings)
	s := expandRequest(t, name, mustJSON(t, req))
	s.runner.Backend, s.runner.Env = "podman", h.env
	return s
}

// get GETs url from inside ctr (in the owner's podman), waiting up to ten seconds for
// an answer, and returns the report of the probe that answered.
func (h *podmanHost) get(t *testing.T, owner, ctr, url string) report {
	t.Helper()
	var err error
	var out string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if out, err = h.run(owner, "exec", ctr, "/probe", "get", url); err == nil {
			var r report
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatalf("%s: probe answer %q: %v", ctr, out, err)
			}
			return r
		}
	}
	t.Fatalf("%s cannot GET %s: %v", ctr, url, err)
	return report{}
}

func (h *podmanHost) probe(t *testing.T, owner, ctr string, args ...string) string {
	t.Helper()
	return h.podman(t, owner, append([]string{"exec", ctr, "/probe"}, args...)...)
}
