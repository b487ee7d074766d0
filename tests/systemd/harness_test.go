//go:build systemd

package systemd

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"

	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
	"github.com/khepri-nix/khepri/tests/systemd/nixunits"
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
	// notRun says why this machine cannot run the tier: every test skips with it.
	notRun string
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
		if err := goBuild(filepath.Join(binDir, bin), pkg); err != nil {
			return 1, err
		}
	}
	if probeImage, err = buildProbeImage(filepath.Join(binDir, "probe")); err != nil {
		return 1, err
	}
	if machineImg, err = machineImage(func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }); err != nil {
		return 1, err
	}
	notRun = canBoot()
	// oci-containers' default log driver needs the engine's host to run journald.
	if out, err := exec.Command("docker", "run", "--rm", "--log-driver=journald", probeImage, "exit", "0").CombinedOutput(); err != nil {
		logDriver = "json-file"
		logDriverWhy = firstLine(strings.TrimPrefix(strings.TrimSpace(string(out)), "docker: "))
	}
	return m.Run(), nil
}

// canBoot boots a machine without units and says why it cannot, if it cannot: the
// engine refuses what systemd needs (the capabilities, the cgroup mount), which is this
// host's, not khepri's, doing.
func canBoot() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "ks" + hex.EncodeToString(b) + "-machine"
	defer exec.Command("docker", "rm", "-f", name).Run()
	if out, err := exec.Command("docker", append([]string{"run", "-d", "--name", name}, append(machineFlags(), machineImg, "/lib/systemd/systemd")...)...).CombinedOutput(); err != nil {
		return fmt.Sprintf("the engine does not run systemd in a container: %s", firstLine(string(out)))
	}
	var state string
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		out, err := exec.Command("docker", "exec", name, "systemctl", "is-system-running").Output()
		if state = strings.TrimSpace(string(out)); err == nil || state == "degraded" {
			return ""
		}
	}
	logs, _ := exec.Command("docker", "logs", "--tail", "5", name).CombinedOutput()
	return fmt.Sprintf("systemd does not boot in a container on this engine (state %q): %s", state, strings.TrimSpace(string(logs)))
}

// goBuild and buildProbeImage are the engine tier's (tests/engine/harness_test.go),
// duplicated: that package is built only with its own tag.
func goBuild(out, pkg string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, pkg)
	cmd.Dir = moduleRoot
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v: %s", pkg, err, b)
	}
	return nil
}

// buildProbeImage builds the probe `FROM scratch`, tagged by the binary's hash.
func buildProbeImage(bin string) (string, error) {
	b, err := os.ReadFile(bin)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	tag := "khepri-test/probe:" + hex.EncodeToString(sum[:])[:16]
	if exec.Command("docker", "image", "inspect", tag).Run() == nil {
		return tag, nil
	}
	ctx, err := os.MkdirTemp("", "khepri-probe-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(ctx)
	if err := os.WriteFile(filepath.Join(ctx, "probe"), b, 0o755); err != nil {
		return "", err
	}
	dockerfile := "FROM scratch\nCOPY probe /probe\nCOPY probe /bin/sh\nENTRYPOINT [\"/probe\"]\nCMD [\"serve\", \"8080\"]\n"
	if err := os.WriteFile(filepath.Join(ctx, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
		return "", err
	}
	if out, err := exec.Command("docker", "build", "-q", "-t", tag, ctx).CombinedOutput(); err != nil {
		return "", fmt.Errorf("docker build: %v: %s", err, out)
	}
	return tag, nil
}

// stack is one composition of a test, on its own machine.
type stack struct {
	t    *testing.T
	name string
	m    *machine
	resp *khepriv1.ExpandResponse
	tree *nixunits.Tree
}

// newStack names a composition no other run uses, boots a machine for it, and installs
// the composition's units, given as the JSON of khepri.compositions.<name> with PROBE
// standing for the probe image. Everything the engine holds whose name starts with the
// composition's is removed when the test ends, after the machine.
func newStack(t *testing.T, composition string) *stack {
	t.Helper()
	s := bareStack(t)
	s.install(composition)
	return s
}

// bareStack is newStack without units yet.
func bareStack(t *testing.T) *stack {
	t.Helper()
	if notRun != "" {
		t.Skip("not run: " + notRun)
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "ks" + hex.EncodeToString(b)
	t.Cleanup(func() { removeAll(t, name) })
	s := &stack{t: t, name: name}
	s.m = boot(t, name+"-machine")
	return s
}

// expand expands the composition with the real host and plugin, as the IFD builder does.
func (s *stack) expand(composition string) *khepriv1.ExpandResponse {
	s.t.Helper()
	req := fmt.Sprintf(`{"backend": "docker", "compositions": {%q: %s}}`, s.name, strings.ReplaceAll(composition, "PROBE", probeImage))
	dir := s.t.TempDir()
	reqFile, outFile := filepath.Join(dir, "request.json"), filepath.Join(dir, "response.json")
	must(s.t, os.WriteFile(reqFile, []byte(req), 0o644))
	out, err := exec.Command(filepath.Join(binDir, "khepri"), "expand",
		"--plugin", filepath.Join(binDir, "khepri-expander"), "--request", reqFile, "--out", outFile).CombinedOutput()
	if err != nil {
		s.t.Fatalf("khepri expand: %v: %s", err, out)
	}
	b, err := os.ReadFile(outFile)
	must(s.t, err)
	resp := &khepriv1.ExpandResponse{}
	must(s.t, protojson.Unmarshal(b, resp))
	for _, d := range resp.GetDiagnostics() {
		if d.GetSeverity() == khepriv1.Severity_SEVERITY_ERROR {
			s.t.Fatalf("expansion error: %s: %s", d.GetPath(), d.GetMessage())
		}
		s.t.Logf("expansion warning: %s: %s", d.GetPath(), d.GetMessage())
	}
	return resp
}

// render renders an expansion for the machine.
func (s *stack) render(resp *khepriv1.ExpandResponse, engine string) *nixunits.Tree {
	s.t.Helper()
	tree, err := nixunits.Render(resp, nixunits.Host{Backend: "docker", Engine: engine, BasePath: basePath, LogDriver: logDriver})
	must(s.t, err)
	return tree
}

// install expands a composition and installs its units as a first boot of the
// configuration would: files in place, systemd reloaded, nothing started.
func (s *stack) install(composition string) {
	s.t.Helper()
	s.installWith(composition, engineDir)
}

// installWith installs with another prefix standing for the engine's package.
func (s *stack) installWith(composition, engine string) {
	s.t.Helper()
	s.resp = s.expand(composition)
	s.tree = s.render(s.resp, engine)
	s.m.write(s.tree.Files)
	s.m.must("systemctl", "daemon-reload")
}

// switchTo does what switch-to-configuration does for the stack's units when the
// composition changes: a running unit whose file changed is stopped with its old
// definition, the new files replace the old, systemd reloads, and the stopped units
// start again (restartIfChanged and stopIfChanged, both true by default). It returns
// the units it restarted.
func (s *stack) switchTo(composition string) []string {
	s.t.Helper()
	resp := s.expand(composition)
	tree := s.render(resp, engineDir)
	var changed []string
	for _, u := range sortedKeys(s.tree.Units) {
		if tree.Units[u] != s.tree.Units[u] && s.m.active(u) == "active" {
			changed = append(changed, u)
		}
	}
	if len(changed) > 0 {
		s.m.must(append([]string{"systemctl", "stop"}, changed...)...)
	}
	var gone []string
	for _, f := range s.tree.Files {
		if !hasPath(tree.Files, f.Path) {
			gone = append(gone, f.Path)
		}
	}
	s.m.remove(gone)
	s.m.write(tree.Files)
	s.m.must("systemctl", "daemon-reload")
	if len(changed) > 0 {
		s.m.must(append([]string{"systemctl", "start"}, changed...)...)
	}
	s.resp, s.tree = resp, tree
	return changed
}

func hasPath(fs []nixunits.File, p string) bool {
	for _, f := range fs {
		if f.Path == p {
			return true
		}
	}
	return false
}

// ctr is the container name of a service; unit its unit.
func (s *stack) ctr(service string) string  { return s.name + "-" + service }
func (s *stack) unit(service string) string { return "docker-" + s.ctr(service) + ".service" }
func (s *stack) target() string             { return "khepri-" + s.name + ".target" }

// removeAll removes every container, network and volume whose name starts with prefix:
// what a test made, whether it passed or not.
func removeAll(t *testing.T, prefix string) {
	for _, kind := range []string{"container", "network", "volume"} {
		args := []string{kind, "ls", "-q", "--format", "{{.Name}}"}
		if kind == "container" {
			args = []string{"ps", "-a", "--format", "{{.Names}}"}
		}
		out, err := exec.Command("docker", args...).Output()
		if err != nil {
			t.Errorf("cleanup: docker %s: %v", strings.Join(args, " "), err)
			continue
		}
		var mine []string
		for _, n := range strings.Fields(string(out)) {
			if strings.HasPrefix(n, prefix) {
				mine = append(mine, n)
			}
		}
		if len(mine) == 0 {
			continue
		}
		rm := append([]string{kind, "rm", "-f"}, mine...)
		if kind == "network" {
			rm = append([]string{"network", "rm"}, mine...)
		}
		if out, err := exec.Command("docker", rm...).CombinedOutput(); err != nil {
			t.Errorf("cleanup: docker %s: %v: %s", strings.Join(rm, " "), err, out)
		}
	}
}

// docker runs a docker command on the host and returns its trimmed output.
func docker(t *testing.T, args ...string) string {
	t.Helper()
	out, err := dockerErr(args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func dockerErr(args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("docker", args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("docker %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(stdout.String()), nil
}

// exists tells whether the engine has a container, network or volume of that name.
func exists(kind, name string) bool {
	return exec.Command("docker", kind, "inspect", name).Run() == nil
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
