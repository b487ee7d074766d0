//go:build systemd

package systemd

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/khepri-nix/khepri/tests/testbin"

	"google.golang.org/protobuf/encoding/protojson"

	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
	"github.com/khepri-nix/khepri/tests/systemd/nixunits"
)

// backends are virtualisation.oci-containers.backend's values, podman twice: rootful,
// and rootless (the composition's podman.user). Every test runs on each.
var backends = []string{"docker", "podman", "podman-rootless"}

// eachBackend runs a test on each backend, in parallel subtests named after them.
func eachBackend(t *testing.T, test func(t *testing.T, backend string)) {
	for _, b := range backends {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			test(t, b)
		})
	}
}

// user is the account a rootless composition runs as.
type user struct{ name, uid string }

// alice is made in each machine that runs a rootless composition, as NixOS makes a
// normal user: a home, subordinate ids, lingering (khepri turns it on).
var alice = &user{name: "alice", uid: "1500"}

// stack is one composition of a test, on its own machine. On docker its containers are
// the host engine's; on podman they are the machine's own podman's, root's or, for a
// rootless composition, its user's.
type stack struct {
	t       *testing.T
	backend string
	user    *user // nil for root's engine
	name    string
	m       *machine
	resp    *khepriv1.ExpandResponse
	tree    *nixunits.Tree
}

// newStack names a composition no other run uses, boots a machine for it, and installs
// the composition's units, given as the JSON of khepri.compositions.<name> with PROBE
// standing for the probe image. Everything the engine holds whose name starts with the
// composition's is removed when the test ends, after the machine.
func newStack(t *testing.T, backend, composition string) *stack {
	t.Helper()
	s := bareStack(t, backend)
	s.install(composition)
	return s
}

// bareStack is newStack without units yet.
func bareStack(t *testing.T, variant string) *stack {
	t.Helper()
	backend, rootless, _ := strings.Cut(variant, "-")
	switch {
	case notRun != "":
		t.Skip("not run: " + notRun)
	case backend == "podman" && podmanNotRun != "":
		t.Skip("not run: " + podmanNotRun)
	case rootless != "" && rootlessNotRun != "":
		t.Skip("not run: " + rootlessNotRun)
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "ks" + hex.EncodeToString(b)
	t.Cleanup(func() { testbin.RemoveAll(t, name) })
	s := &stack{t: t, backend: backend, name: name}
	s.m = boot(t, name+"-machine")
	if rootless != "" {
		s.user = alice
		must(t, s.m.addUser(alice))
	}
	if backend == "podman" {
		must(t, loadProbe(s.m.name, s.user))
	}
	return s
}

// expand expands the composition with the real host and plugin, as the IFD builder does.
func (s *stack) expand(composition string) *khepriv1.ExpandResponse {
	s.t.Helper()
	var comp map[string]any
	must(s.t, json.Unmarshal([]byte(strings.ReplaceAll(composition, "PROBE", probeImage)), &comp))
	if s.user != nil {
		uid, err := strconv.Atoi(s.user.uid)
		must(s.t, err)
		comp["podman"] = map[string]any{"user": s.user.name, "uid": uid}
	}
	body, err := json.Marshal(map[string]any{"backend": s.backend, "compositions": map[string]any{s.name: comp}})
	must(s.t, err)
	req := string(body)
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

// enginePkg is the prefix standing for the backend's package.
func (s *stack) enginePkg() string {
	if s.backend == "podman" {
		return podmanDir
	}
	return engineDir
}

// render renders an expansion for the machine, with engine standing for the backend's
// package. The journald log driver is the machine's own on podman; on docker it is the
// engine's host's, which may have none.
func (s *stack) render(resp *khepriv1.ExpandResponse, engine string) *nixunits.Tree {
	s.t.Helper()
	// The machine's khepri is /usr/local/bin/khepri.
	host := nixunits.Host{Backend: s.backend, Engine: engine, Khepri: "/usr/local", BasePath: basePath}
	if s.user != nil {
		uid, err := strconv.ParseUint(s.user.uid, 10, 32)
		must(s.t, err)
		host.Users = map[string]nixunits.User{s.user.name: {UID: uint32(uid), Home: "/home/" + s.user.name}}
	}
	if s.backend == "docker" {
		host.LogDriver = logDriver
	}
	tree, err := nixunits.Render(resp, host)
	must(s.t, err)
	return tree
}

// install expands a composition and installs its units as a first boot of the
// configuration would: files in place, systemd reloaded, nothing started.
func (s *stack) install(composition string) {
	s.t.Helper()
	s.installWith(composition, s.enginePkg())
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
	tree := s.render(resp, s.enginePkg())
	var changed []string
	for _, u := range slices.Sorted(maps.Keys(s.tree.Units)) {
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
func (s *stack) unit(service string) string { return s.backend + "-" + s.ctr(service) + ".service" }
func (s *stack) target() string             { return "khepri-" + s.name + ".target" }

// engine runs the backend's command in the machine (docker's reaches the host's
// engine), as the composition's user.
func (s *stack) engine(args ...string) (string, error) {
	return s.m.runAs(s.user, append([]string{s.backend}, args...)...)
}

func (s *stack) mustEngine(args ...string) string {
	s.t.Helper()
	out, err := s.engine(args...)
	if err != nil {
		s.t.Fatal(err)
	}
	return out
}

// exists tells whether the engine has a container, network or volume of that name.
func (s *stack) exists(kind, name string) bool {
	_, err := s.engine(kind, "inspect", name)
	return err == nil
}

// running waits until a container other than the one of id runs for service, and
// returns its id.
func (s *stack) running(service, id string) string {
	s.t.Helper()
	var now string
	poll(s.t, 2*time.Minute, s.ctr(service)+" to run (again)", func() bool {
		out, err := s.engine("container", "inspect", "--format", "{{.Id}} {{.State.Running}}", s.ctr(service))
		now, _, _ = strings.Cut(out, " ")
		return err == nil && strings.HasSuffix(out, " true") && now != id
	})
	return now
}

// kill kills a container's process, as a crash would.
func (s *stack) kill(service string) {
	s.t.Helper()
	s.mustEngine("kill", "--signal", "KILL", s.ctr(service))
}

// probe runs the probe in a running container of the stack.
func (s *stack) probe(service string, args ...string) string {
	s.t.Helper()
	return s.mustEngine(append([]string{"exec", s.ctr(service), "/probe"}, args...)...)
}
