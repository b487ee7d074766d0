//go:build systemd

package systemd

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/khepri-nix/khepri/tests/testbin"
)

// Set by TestMain.
var (
	moduleRoot   string
	binDir       string // khepri, khepri-expander, probe
	probeImage   string // khepri-test/probe:<hash of the binary>, shared with the engine tier
	machineImg   string // khepri-test/systemd:<hash of its inputs>
	dockerSocket string // the engine's socket on this host
	dockerCLI    string // the host's docker command, mounted into machines
	// logDriver replaces oci-containers' journald where the engine refuses it, with why.
	logDriver, logDriverWhy string
	// notRun says why this machine cannot run the tier: every test skips with it;
	// podmanNotRun and rootlessNotRun why podman, or a user's podman, cannot run in a
	// machine: their tests skip with it.
	notRun, podmanNotRun, rootlessNotRun string
)

func TestMain(m *testing.M) {
	code, err := setup(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "systemd tests:", err)
		code = 1
	}
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

func setup(m *testing.M) (int, error) {
	if out, err := exec.Command("docker", "info", "--format", "{{.ServerVersion}}").CombinedOutput(); err != nil {
		notRun = fmt.Sprintf("no Docker engine (docker info: %s)", firstLine(string(out)))
		return m.Run(), nil
	}
	if _, err := exec.LookPath("mmdebstrap"); err != nil {
		notRun = "the machine image is built with mmdebstrap, which is not installed (apt-get install -y mmdebstrap)"
		return m.Run(), nil
	}
	var err error
	if dockerCLI, err = exec.LookPath("docker"); err != nil {
		return 1, err
	}
	if dockerCLI, err = filepath.EvalSymlinks(dockerCLI); err != nil {
		return 1, err
	}
	dockerSocket = "/var/run/docker.sock"
	if h, ok := strings.CutPrefix(os.Getenv("DOCKER_HOST"), "unix://"); ok {
		dockerSocket = h
	}
	root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		return 1, fmt.Errorf("go list -m: %w", err)
	}
	moduleRoot = strings.TrimSpace(string(root))
	if binDir, err = os.MkdirTemp("", "khepri-systemd-"); err != nil {
		return 1, err
	}
	for bin, pkg := range map[string]string{"khepri": "./host", "khepri-expander": "./plugin", "probe": "./tests/engine/testimage"} {
		if err := testbin.GoBuild(moduleRoot, filepath.Join(binDir, bin), pkg); err != nil {
			return 1, err
		}
	}
	if probeImage, err = testbin.ProbeImage(filepath.Join(binDir, "probe")); err != nil {
		return 1, err
	}
	if machineImg, err = machineImage(func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }); err != nil {
		return 1, err
	}
	notRun, podmanNotRun, rootlessNotRun = canBoot()
	// oci-containers' default log driver needs the engine's host to run journald.
	if out, err := exec.Command("docker", "run", "--rm", "--log-driver=journald", probeImage, "exit", "0").CombinedOutput(); err != nil {
		logDriver = "json-file"
		logDriverWhy = firstLine(strings.TrimPrefix(strings.TrimSpace(string(out)), "docker: "))
	}
	return m.Run(), nil
}

// canBoot boots a machine without units and says why it cannot, if it cannot: the
// engine refuses what systemd needs (the capabilities, the cgroup mount), which is this
// host's, not khepri's, doing. It says too why podman, root's or a user's, cannot run
// a container in it.
func canBoot() (why, podmanWhy, rootlessWhy string) {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "ks" + hex.EncodeToString(b) + "-machine"
	defer exec.Command("docker", "rm", "-f", name).Run()
	if out, err := exec.Command("docker", append([]string{"run", "-d", "--name", name}, append(machineFlags(), machineImg, "/lib/systemd/systemd")...)...).CombinedOutput(); err != nil {
		return fmt.Sprintf("the engine does not run systemd in a container: %s", firstLine(string(out))), "", ""
	}
	var state string
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
		out, err := exec.Command("docker", "exec", name, "systemctl", "is-system-running").Output()
		if state = strings.TrimSpace(string(out)); err == nil || state == "degraded" {
			break
		}
		if time.Now().After(deadline) {
			logs, _ := exec.Command("docker", "logs", "--tail", "5", name).CombinedOutput()
			return fmt.Sprintf("systemd does not boot in a container on this engine (state %q): %s", state, strings.TrimSpace(string(logs))), "", ""
		}
	}
	if err := loadProbe(name, nil); err != nil {
		return "", err.Error(), ""
	}
	if out, err := exec.Command("docker", append(execArgs(nil), name, "podman", "run", "--rm", probeImage, "exit", "0")...).CombinedOutput(); err != nil {
		return "", fmt.Sprintf("podman does not run a container in the machine: %s", lastLine(string(out))), ""
	}
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		return "", "", "rootless podman's network (pasta) needs /dev/net/tun, which this host lacks"
	}
	m := &machine{name: name}
	if err := m.addUser(alice); err != nil {
		return "", "", err.Error()
	}
	if err := loadProbe(name, alice); err != nil {
		return "", "", err.Error()
	}
	if _, err := m.runAs(alice, "podman", "run", "--rm", probeImage, "exit", "0"); err != nil {
		return "", "", fmt.Sprintf("rootless podman does not run a container in the machine: %s", lastLine(err.Error()))
	}
	return "", "", ""
}

// loadProbe loads the probe image into a machine's podman, root's or u's.
func loadProbe(machine string, u *user) error {
	save := exec.Command("docker", "save", probeImage)
	load := exec.Command("docker", append(append(execArgs(u), "-i", machine), "podman", "load", "-q")...)
	pipe, err := save.StdoutPipe()
	if err != nil {
		return err
	}
	load.Stdin = pipe
	if err := save.Start(); err != nil {
		return err
	}
	out, err := load.CombinedOutput()
	if werr := save.Wait(); err == nil && werr != nil {
		err = werr
	}
	if err != nil {
		return fmt.Errorf("podman load of %s in the machine: %v: %s", probeImage, err, out)
	}
	return nil
}

// lastLine is the last line of s: where a command's error is, after its warnings.
func lastLine(s string) string {
	return tail(strings.TrimSpace(s), 1)
}
