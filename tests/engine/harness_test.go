//go:build engine

package engine

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/khepri-nix/khepri/tests/testbin"

	"google.golang.org/protobuf/encoding/protojson"

	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// Set by TestMain.
var (
	binDir     string // khepri and khepri-expander
	probeImage string // khepri-test/probe:<hash of the binary>
	multiNet   bool   // the engine takes several --network on docker run
	journald   bool
	moduleRoot string
)

func TestMain(m *testing.M) {
	code, err := setup(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "engine tests:", err)
		code = 1
	}
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

func setup(m *testing.M) (int, error) {
	if out, err := exec.Command("docker", "info", "--format", "{{.ServerVersion}}").CombinedOutput(); err != nil {
		return 1, fmt.Errorf("no Docker engine (docker info: %s)", bytes.TrimSpace(out))
	}
	root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		return 1, fmt.Errorf("go list -m: %w", err)
	}
	moduleRoot = strings.TrimSpace(string(root))
	if binDir, err = os.MkdirTemp("", "khepri-engine-"); err != nil {
		return 1, err
	}
	for bin, pkg := range map[string]string{"khepri": "./host", "khepri-expander": "./plugin", "probe": "./tests/engine/testimage"} {
		if err := testbin.GoBuild(moduleRoot, filepath.Join(binDir, bin), pkg); err != nil {
			return 1, err
		}
	}
	// A rootless container's unit runs khepri as its user, as from the Nix store.
	if err := os.Chmod(binDir, 0o755); err != nil {
		return 1, err
	}
	if probeImage, err = testbin.ProbeImage(filepath.Join(binDir, "probe")); err != nil {
		return 1, err
	}
	api, err := exec.Command("docker", "version", "--format", "{{.Server.APIVersion}}").Output()
	if err != nil {
		return 1, fmt.Errorf("docker version: %w", err)
	}
	multiNet = apiAtLeast(strings.TrimSpace(string(api)), 1, 44)
	_, err = os.Stat("/run/systemd/journal/socket")
	journald = err == nil
	code := m.Run()
	if err := teardownPodman(); err != nil {
		return code, fmt.Errorf("podman teardown: %w", err)
	}
	return code, nil
}

func apiAtLeast(v string, major, minor int) bool {
	a, b, _ := strings.Cut(v, ".")
	ma, err1 := strconv.Atoi(a)
	mi, err2 := strconv.Atoi(b)
	return err1 == nil && err2 == nil && (ma > major || ma == major && mi >= minor)
}

// stack is one composition of a test, named uniquely so parallel runs never collide.
type stack struct {
	t      *testing.T
	name   string
	resp   *khepriv1.ExpandResponse
	runner *Runner
}

// uniqueName is a composition name no other run uses; everything khepri names after
// the composition starts with it, which is how cleanup finds it.
func uniqueName(t *testing.T) string {
	name := freshName()
	t.Cleanup(func() { testbin.RemoveAll(t, name) })
	return name
}

// freshName is a composition name no other run uses, without cleanup.
func freshName() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return "kt" + hex.EncodeToString(b)
}

// newStack expands a composition, given as the JSON that khepri.compositions.<name>
// holds (with PROBE standing for the probe image), with the real host and plugin.
func newStack(t *testing.T, composition string) *stack {
	t.Helper()
	return expandAs(t, uniqueName(t), composition)
}

func expandAs(t *testing.T, name, composition string) *stack {
	t.Helper()
	return expandRequest(t, name, fmt.Sprintf(`{"backend": "docker", "compositions": {%q: %s}}`, name, strings.ReplaceAll(composition, "PROBE", probeImage)))
}

// expandRequest expands a whole ExpandRequest holding the one composition name.
func expandRequest(t *testing.T, name, req string) *stack {
	t.Helper()
	resp := expand(t, req)
	for _, d := range resp.GetDiagnostics() {
		if d.GetSeverity() == khepriv1.Severity_SEVERITY_ERROR {
			t.Fatalf("expansion error: %s: %s", d.GetPath(), d.GetMessage())
		}
		t.Logf("expansion warning: %s: %s", d.GetPath(), d.GetMessage())
	}
	s := &stack{t: t, name: name, resp: resp, runner: &Runner{Resp: resp, Logf: t.Logf, MultiNetworkRun: multiNet, Journald: journald, Khepri: binDir}}
	t.Cleanup(func() {
		if err := s.runner.Stop(context.Background()); err != nil {
			t.Errorf("stop %s: %v", name, err)
		}
	})
	return s
}

// expand runs `khepri expand` on a request as the IFD builder does.
func expand(t *testing.T, request string) *khepriv1.ExpandResponse {
	t.Helper()
	dir := t.TempDir()
	reqFile, outFile := filepath.Join(dir, "request.json"), filepath.Join(dir, "response.json")
	if err := os.WriteFile(reqFile, []byte(request), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(filepath.Join(binDir, "khepri"), "expand",
		"--plugin", filepath.Join(binDir, "khepri-expander"), "--request", reqFile, "--out", outFile).CombinedOutput()
	if err != nil {
		t.Fatalf("khepri expand: %v: %s", err, out)
	}
	b, err := os.ReadFile(outFile)
	if err != nil {
		t.Fatal(err)
	}
	resp := &khepriv1.ExpandResponse{}
	if err := protojson.Unmarshal(b, resp); err != nil {
		t.Fatalf("response: %v", err)
	}
	return resp
}

// start starts the stack and waits for every container to have started (see
// Runner.Settle), so that a test can look at them.
func (s *stack) start() {
	s.t.Helper()
	if err := s.runner.Start(context.Background()); err != nil {
		s.t.Fatalf("start %s: %v", s.name, err)
	}
	if err := s.runner.Settle(context.Background()); err != nil {
		s.t.Fatalf("start %s: %v", s.name, err)
	}
}

func (s *stack) stop() {
	s.t.Helper()
	if err := s.runner.Stop(context.Background()); err != nil {
		s.t.Fatalf("stop %s: %v", s.name, err)
	}
}

// ctr is the container name of a service.
func (s *stack) ctr(service string) string { return s.name + "-" + service }

// docker runs a docker command and returns its trimmed stdout, failing the test on error.
func docker(t *testing.T, args ...string) string {
	t.Helper()
	out, err := dockerErr(args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func dockerErr(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "docker", args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("docker %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(stdout.String()), nil
}

// probe runs the probe inside a running container.
func probe(t *testing.T, ctr string, args ...string) string {
	t.Helper()
	return docker(t, append([]string{"exec", ctr, "/probe"}, args...)...)
}

func probeErr(ctr string, args ...string) (string, error) {
	return dockerErr(append([]string{"exec", ctr, "/probe"}, args...)...)
}

// report is what `probe serve` answers.
type report struct {
	Hostname string            `json:"hostname"`
	Env      map[string]string `json:"env"`
	Args     []string          `json:"args"`
}

// serving waits until the probe in ctr answers on port from inside the container and
// returns what its main process was given.
func serving(t *testing.T, ctr string, port int) report {
	t.Helper()
	url := fmt.Sprintf("http://127.0.0.1:%d/", port)
	var err error
	var out string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if out, err = probeErr(ctr, "get", url); err == nil {
			var r report
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatalf("%s: probe answer %q: %v", ctr, out, err)
			}
			return r
		}
	}
	t.Fatalf("%s does not serve on %d: %v", ctr, port, err)
	return report{}
}

// inspectInfo is the part of `docker inspect` the tests read.
type inspectInfo struct {
	ID     string `json:"Id"`
	Name   string
	Config struct {
		Hostname    string
		Env         []string
		Cmd         []string
		Entrypoint  []string
		Labels      map[string]string
		User        string
		WorkingDir  string
		Image       string
		Healthcheck *struct {
			Test        []string
			Interval    int64
			Timeout     int64
			StartPeriod int64
			Retries     int
		}
	}
	HostConfig struct {
		Binds         []string
		PortBindings  map[string][]struct{ HostIp, HostPort string }
		RestartPolicy struct {
			Name              string
			MaximumRetryCount int
		}
		CapAdd         []string
		CapDrop        []string
		Memory         int64
		NanoCpus       int64
		PidsLimit      *int64
		Sysctls        map[string]string
		Init           *bool
		Privileged     bool
		ReadonlyRootfs bool
		ExtraHosts     []string
		AutoRemove     bool
		LogConfig      struct{ Type string }
		NetworkMode    string
	}
	Mounts []struct {
		Type        string
		Name        string
		Source      string
		Destination string
		RW          bool
		Mode        string
	}
	NetworkSettings struct {
		Networks map[string]struct {
			Aliases []string
		}
	}
	State struct {
		Running    bool
		StartedAt  string
		FinishedAt string
		Health     struct{ Status string }
	}
}

func inspect(t *testing.T, ctr string) inspectInfo {
	t.Helper()
	var infos []inspectInfo
	if err := json.Unmarshal([]byte(docker(t, "container", "inspect", ctr)), &infos); err != nil || len(infos) != 1 {
		t.Fatalf("inspect %s: %v", ctr, err)
	}
	return infos[0]
}
