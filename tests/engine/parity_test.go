//go:build engine

package engine

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// deliberate are the fields in which a khepri container differs from docker compose's
// on purpose; docs/engine-parity.md explains each. Any other difference fails.
var deliberate = map[string]string{
	"name":       "container <composition>-<service>: compose v2 writes <project>-<service>-<n>, v1 <project>_<service>_<n>",
	"restart":    "oci-containers runs containers with --rm, which docker refuses with --restart: systemd's Restart= restarts them",
	"autoRemove": "oci-containers runs containers with --rm",
	"entrypoint": "docker run --entrypoint takes one executable: its further arguments lead Cmd (argv, compared on its own, is the same)",
	"cmd":        "docker run --entrypoint takes one executable: the entrypoint's further arguments lead Cmd (argv, compared on its own, is the same)",
}

// Parity with docker compose: each stack under testdata/parity is brought up once with
// docker compose and once through khepri from the same compose.yaml (`khepri import`,
// the option tree and nixlib/expand.nix as the NixOS module renders the request, `khepri
// expand`, the runner), and every container's docker inspect is compared field by field.
func TestParityWithCompose(t *testing.T) {
	var compose []string
	if exec.Command("docker", "compose", "version").Run() == nil {
		compose = []string{"docker", "compose"}
	} else if _, err := exec.LookPath("docker-compose"); err == nil {
		compose = []string{"docker-compose"}
	} else {
		t.Skip("not run: neither docker compose (v2) nor docker-compose (v1) is installed")
	}
	if _, err := exec.LookPath("nix-instantiate"); err != nil {
		t.Skip("not run: nix-instantiate is not installed; the request is evaluated from the imported composition with Nix")
	}
	if out, err := exec.Command("nix-instantiate", "--find-file", "nixpkgs/lib").CombinedOutput(); err != nil {
		t.Skipf("not run: <nixpkgs/lib> does not resolve (NIX_PATH=%q): %s", os.Getenv("NIX_PATH"), bytes.TrimSpace(out))
	}
	stacks, err := filepath.Glob("testdata/parity/*/compose.yaml")
	if err != nil || len(stacks) == 0 {
		t.Fatalf("no parity stacks: %v", err)
	}
	for _, file := range stacks {
		dir := filepath.Dir(file)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			parity(t, compose, dir)
		})
	}
}

func parity(t *testing.T, compose []string, dir string) {
	bind := t.TempDir()
	if err := os.WriteFile(filepath.Join(bind, "app.conf"), []byte("setting=1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Both sides interpolate the compose file from the same environment.
	env := append(os.Environ(), "PROBE="+probeImage, "BIND="+bind)
	composeFile, err := filepath.Abs(filepath.Join(dir, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}

	project := uniqueName(t)
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(compose[0], slices.Concat(compose[1:], []string{"-p", project, "-f", composeFile}, args)...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("docker-compose %s: %v: %s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	t.Cleanup(func() { run("down", "-v", "--timeout", "1") })
	run("up", "-d")

	name := uniqueName(t)
	req := importRequest(t, composeFile, name, env)
	var parsed struct {
		Compositions map[string]struct{ Services map[string]json.RawMessage }
	}
	if err := json.Unmarshal([]byte(req), &parsed); err != nil {
		t.Fatalf("request: %v", err)
	}
	services := parsed.Compositions[name].Services
	if len(services) == 0 {
		t.Fatalf("the request holds no services of %s: %s", name, req)
	}
	s := expandRequest(t, name, req)
	s.start()

	for _, svc := range sortedKeys(services) {
		id := run("ps", "-q", svc)
		want := view(inspect(t, id), project)
		got := view(inspect(t, s.ctr(svc)), s.name)
		for _, f := range sortedKeys(want) {
			if got[f] == want[f] {
				continue
			}
			if why, ok := deliberate[f]; ok {
				t.Logf("%s.%s differs deliberately (%s):\n compose %s\n khepri  %s", svc, f, why, want[f], got[f])
				continue
			}
			t.Errorf("%s.%s:\n compose %s\n khepri  %s", svc, f, want[f], got[f])
		}
	}
}

// importRequest is the ExpandRequest a NixOS host would send for the compose file
// imported as khepri.compositions.<name>: `khepri import --expr` writes the
// composition, request.nix evaluates it through the option tree.
func importRequest(t *testing.T, composeFile, name string, env []string) string {
	t.Helper()
	nixFile := filepath.Join(t.TempDir(), "composition.nix")
	imp := exec.Command(filepath.Join(binDir, "khepri"), "import", "--expr", "-f", composeFile, "--name", name, "-o", nixFile)
	imp.Env = env
	if out, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("khepri import: %v: %s", err, out)
	} else if len(out) > 0 {
		t.Logf("khepri import: %s", out)
	}
	var stdout, stderr bytes.Buffer
	eval := exec.Command("nix-instantiate", "--eval", "--strict", "--json", filepath.Join(moduleRoot, "tests/engine/request.nix"),
		"--argstr", "file", nixFile, "--argstr", "name", name)
	eval.Stdout, eval.Stderr = &stdout, &stderr
	if err := eval.Run(); err != nil {
		composition, _ := os.ReadFile(nixFile)
		t.Fatalf("request.nix: %v: %s\ncomposition:\n%s", err, stderr.Bytes(), composition)
	}
	var req string
	if err := json.Unmarshal(stdout.Bytes(), &req); err != nil {
		t.Fatalf("request.nix: %v: %s", err, stdout.Bytes())
	}
	return req
}

// view is a container's configuration as compared: field name to canonical JSON, with
// the project's (composition's) name replaced by {project}, compose's bookkeeping labels
// and the engine's per-container alias (the short ID) left out.
func view(in inspectInfo, project string) map[string]string {
	labels := map[string]string{}
	for k, v := range in.Config.Labels {
		if !strings.HasPrefix(k, "com.docker.compose.") || k == "com.docker.compose.project" || k == "com.docker.compose.service" {
			labels[k] = v
		}
	}
	var mounts []string
	for _, m := range in.Mounts {
		mounts = append(mounts, strings.Join([]string{m.Type, m.Name, m.Source, m.Destination, map[bool]string{true: "rw", false: "ro"}[m.RW]}, " "))
	}
	slices.Sort(mounts)
	nets := map[string][]string{}
	for n, e := range in.NetworkSettings.Networks {
		var aliases []string
		for _, a := range e.Aliases {
			if !strings.HasPrefix(in.ID, a) {
				aliases = append(aliases, a)
			}
		}
		slices.Sort(aliases)
		nets[n] = aliases
	}
	env := slices.Clone(in.Config.Env)
	slices.Sort(env)
	sorted := func(l []string) []string { l = slices.Clone(l); slices.Sort(l); return l }
	// The docker CLI writes capabilities as CAP_X, docker-py (compose v1) as X; the
	// engine takes both as the same capability.
	caps := func(l []string) []string {
		out := make([]string, len(l))
		for i, c := range l {
			out[i] = strings.TrimPrefix(strings.ToUpper(c), "CAP_")
		}
		return sorted(out)
	}
	h := in.HostConfig
	fields := map[string]any{
		"name":        strings.TrimPrefix(in.Name, "/"),
		"image":       in.Config.Image,
		"env":         env,
		"argv":        append(slices.Clone(in.Config.Entrypoint), in.Config.Cmd...),
		"cmd":         in.Config.Cmd,
		"entrypoint":  in.Config.Entrypoint,
		"user":        in.Config.User,
		"workingDir":  in.Config.WorkingDir,
		"labels":      labels,
		"healthcheck": in.Config.Healthcheck,
		"mounts":      mounts,
		"networks":    nets,
		"networkMode": h.NetworkMode,
		"ports":       h.PortBindings,
		"extraHosts":  sorted(h.ExtraHosts),
		"capAdd":      caps(h.CapAdd),
		"capDrop":     caps(h.CapDrop),
		"restart":     h.RestartPolicy,
		"autoRemove":  h.AutoRemove,
		"resources":   map[string]any{"memory": h.Memory, "nanoCpus": h.NanoCpus, "pidsLimit": h.PidsLimit},
		"sysctls":     h.Sysctls,
		"init":        h.Init,
		"privileged":  h.Privileged,
		"readOnly":    h.ReadonlyRootfs,
	}
	out := map[string]string{}
	for k, v := range fields {
		b, _ := json.Marshal(v)
		out[k] = strings.ReplaceAll(string(b), project, "{project}")
	}
	return out
}
