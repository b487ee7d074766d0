//go:build engine

package engine

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	shexpand "mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// deliberate are the fields in which a khepri container differs from docker compose's
// on purpose; docs/engine-parity.md explains each. A difference is accepted only in the
// form holds checks; any other difference fails.
var deliberate = map[string]struct {
	why   string
	holds func(svc string, compose, khepri side) bool
}{
	"Name": {
		"container <composition>-<service>: compose v2 writes <project>-<service>-<n>, v1 <project>_<service>_<n>",
		func(svc string, _, k side) bool { return k.view["Name"] == jsonString("{project}-"+svc) },
	},
	"HostConfig.RestartPolicy": {
		"oci-containers runs containers with --rm, which docker refuses with --restart: systemd's Restart= restarts them",
		func(_ string, _, k side) bool {
			p := k.info.HostConfig.RestartPolicy
			return p.Name == "no" && p.MaximumRetryCount == 0
		},
	},
	"HostConfig.AutoRemove": {
		"oci-containers runs containers with --rm",
		func(_ string, _, k side) bool { return k.view["HostConfig.AutoRemove"] == "true" },
	},
	"Config.Entrypoint": {
		"docker run --entrypoint takes one executable: its further arguments lead Cmd (argv, compared on its own, is the same)",
		splitEntrypoint,
	},
	"Config.Cmd": {
		"docker run --entrypoint takes one executable: the entrypoint's further arguments lead Cmd (argv, compared on its own, is the same)",
		splitEntrypoint,
	},
	"Config.Healthcheck": {
		"docker run --health-cmd is always a shell command: khepri quotes the CMD form's arguments into one, which the shell splits back",
		healthCmdQuoted,
	},
	"HostConfig.LogConfig": {
		"oci-containers logs to journald where the host has it; compose keeps the engine's default driver",
		func(_ string, _, k side) bool { return journald && k.info.HostConfig.LogConfig.Type == "journald" },
	},
}

// side is one container as compared: its view and what docker inspect says.
type side struct {
	view map[string]string
	info inspectInfo
}

// splitEntrypoint: khepri's Entrypoint is the first element of compose's, and the
// process's argument vector is the same.
func splitEntrypoint(_ string, c, k side) bool {
	ce, ke := c.info.Config.Entrypoint, k.info.Config.Entrypoint
	return c.view["argv"] == k.view["argv"] && len(ce) > 0 && slices.Equal(ke, ce[:1])
}

// healthCmdQuoted: the healthchecks differ only in their test, compose's being the
// exec form [CMD args...] and khepri's the shell form whose words are exactly those args.
func healthCmdQuoted(_ string, c, k side) bool {
	ch, kh := c.info.Config.Healthcheck, k.info.Config.Healthcheck
	if ch == nil || kh == nil || len(ch.Test) < 2 || ch.Test[0] != "CMD" || len(kh.Test) != 2 || kh.Test[0] != "CMD-SHELL" {
		return false
	}
	words, ok := shellWords(kh.Test[1])
	if !ok || !slices.Equal(words, ch.Test[1:]) {
		return false
	}
	cc, kc := *ch, *kh
	cc.Test, kc.Test = nil, nil
	return reflect.DeepEqual(cc, kc)
}

// shellWords is the argument vector of a POSIX shell command that is one simple command
// of literal words (quoting allowed, no expansion, redirection or operator).
func shellWords(cmd string) ([]string, bool) {
	f, err := syntax.NewParser(syntax.Variant(syntax.LangPOSIX)).Parse(strings.NewReader(cmd), "")
	if err != nil || len(f.Stmts) != 1 {
		return nil, false
	}
	st := f.Stmts[0]
	call, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || st.Negated || st.Background || len(st.Redirs) > 0 || len(call.Assigns) > 0 {
		return nil, false
	}
	var words []string
	for _, w := range call.Args {
		lit, err := shexpand.Literal(nil, w)
		if err != nil {
			return nil, false
		}
		for _, part := range w.Parts {
			switch part.(type) {
			case *syntax.Lit, *syntax.SglQuoted:
			case *syntax.DblQuoted:
				for _, inner := range part.(*syntax.DblQuoted).Parts {
					if _, isLit := inner.(*syntax.Lit); !isLit {
						return nil, false
					}
				}
			default:
				return nil, false
			}
		}
		words = append(words, lit)
	}
	return words, true
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
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

	for _, svc := range slices.Sorted(maps.Keys(services)) {
		id := run("ps", "-q", svc)
		want := compared(t, id, project)
		got := compared(t, s.ctr(svc), s.name)
		fields := map[string]bool{}
		for f := range want.view {
			fields[f] = true
		}
		for f := range got.view {
			fields[f] = true
		}
		for _, f := range slices.Sorted(maps.Keys(fields)) {
			if got.view[f] == want.view[f] {
				continue
			}
			if d, ok := deliberate[f]; ok && d.holds(svc, want, got) {
				t.Logf("%s %s differs deliberately (%s):\n compose %s\n khepri  %s", svc, f, d.why, want.view[f], got.view[f])
				continue
			}
			t.Errorf("%s %s:\n compose %s\n khepri  %s", svc, f, want.view[f], got.view[f])
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

// compared inspects a container and returns it as compared.
func compared(t *testing.T, ctr, project string) side {
	t.Helper()
	raw := []byte(docker(t, "container", "inspect", ctr))
	var infos []inspectInfo
	var all []struct{ Config, HostConfig map[string]any }
	if err := json.Unmarshal(raw, &infos); err != nil || len(infos) != 1 {
		t.Fatalf("inspect %s: %v", ctr, err)
	}
	if err := json.Unmarshal(raw, &all); err != nil || len(all) != 1 {
		t.Fatalf("inspect %s: %v", ctr, err)
	}
	return side{view: view(infos[0], all[0].Config, all[0].HostConfig, project), info: infos[0]}
}

// notCompared are the Config and HostConfig fields left out of the comparison, each
// for its reason.
var notCompared = map[string]bool{
	// How the client attached to the container's output: the runner, as NixOS, runs it
	// in the foreground (creating the container first and attaching with start -a on an
	// engine that takes one --network), compose detaches. Not the container's
	// configuration.
	"Config.AttachStdin": true, "Config.AttachStdout": true, "Config.AttachStderr": true,
	// How the mounts were asked for: the docker CLI writes -v as Binds, docker-py adds
	// the default mode (rw) and declares every target in Config.Volumes as well,
	// compose v2 writes Mounts. The mounts the container got are compared as Mounts.
	"HostConfig.Binds": true, "HostConfig.Mounts": true, "Config.Volumes": true,
}

// view is a container's configuration as compared: field name to canonical JSON, with
// the project's (composition's) name replaced by {project}. It holds every field of
// Config and HostConfig but those in notCompared, an empty value (null, [], {}) counting
// as unset, and the derived fields Name, argv, Mounts and Networks. Normalised, each
// because the engine takes both forms as the same:
//   - Config.Env and HostConfig.ExtraHosts sorted;
//   - Config.Labels without compose's bookkeeping labels (com.docker.compose.* other
//     than project and service, which are compared);
//   - Config.Hostname: the engine's default, the container's short ID, as {id};
//   - HostConfig.CapAdd, CapDrop sorted and without the CAP_ prefix (the docker CLI
//     adds it, docker-py does not);
//   - HostConfig.RestartPolicy: no policy ("", docker-py) as "no" (the docker CLI);
//   - Networks: aliases sorted, without the engine's own alias (the short ID).
func view(in inspectInfo, config, hostConfig map[string]any, project string) map[string]string {
	sorted := func(l []string) []string { l = slices.Clone(l); slices.Sort(l); return l }
	fields := map[string]any{}
	for prefix, m := range map[string]map[string]any{"Config": config, "HostConfig": hostConfig} {
		for k, v := range m {
			if f := prefix + "." + k; !notCompared[f] && !empty(v) {
				fields[f] = v
			}
		}
	}
	set := func(f string, v any) {
		if empty(v) {
			delete(fields, f)
		} else {
			fields[f] = v
		}
	}
	set("Config.Env", sorted(in.Config.Env))
	set("HostConfig.ExtraHosts", sorted(in.HostConfig.ExtraHosts))
	labels := map[string]string{}
	for k, v := range in.Config.Labels {
		if !strings.HasPrefix(k, "com.docker.compose.") || k == "com.docker.compose.project" || k == "com.docker.compose.service" {
			labels[k] = v
		}
	}
	set("Config.Labels", labels)
	if in.Config.Hostname != "" && strings.HasPrefix(in.ID, in.Config.Hostname) {
		set("Config.Hostname", "{id}")
	}
	caps := func(l []string) []string {
		out := make([]string, len(l))
		for i, c := range l {
			out[i] = strings.TrimPrefix(strings.ToUpper(c), "CAP_")
		}
		return sorted(out)
	}
	set("HostConfig.CapAdd", caps(in.HostConfig.CapAdd))
	set("HostConfig.CapDrop", caps(in.HostConfig.CapDrop))
	restart := in.HostConfig.RestartPolicy
	if restart.Name == "" {
		restart.Name = "no"
	}
	set("HostConfig.RestartPolicy", restart)

	var mounts []string
	for _, m := range in.Mounts {
		mounts = append(mounts, strings.Join([]string{m.Type, m.Name, m.Source, m.Destination, map[bool]string{true: "rw", false: "ro"}[m.RW]}, " "))
	}
	set("Mounts", sorted(mounts))
	nets := map[string][]string{}
	for n, e := range in.NetworkSettings.Networks {
		var aliases []string
		for _, a := range e.Aliases {
			if !strings.HasPrefix(in.ID, a) {
				aliases = append(aliases, a)
			}
		}
		nets[n] = sorted(aliases)
	}
	set("Networks", nets)
	set("Name", strings.TrimPrefix(in.Name, "/"))
	set("argv", append(slices.Clone(in.Config.Entrypoint), in.Config.Cmd...))

	out := map[string]string{}
	for k, v := range fields {
		b, _ := json.Marshal(v)
		out[k] = strings.ReplaceAll(string(b), project, "{project}")
	}
	return out
}

// empty is a value docker inspect writes for an unset field: null, an empty list or an
// empty object, depending on the client that created the container.
func empty(v any) bool {
	switch x := reflect.ValueOf(v); x.Kind() {
	case reflect.Invalid:
		return true
	case reflect.Slice, reflect.Map:
		return x.Len() == 0
	}
	return false
}
