//go:build engine

package engine

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/khepri-nix/khepri/proto/khepri/pullplan"
)

// pullRun is one run of `khepri pull-images`, as a composition's pull unit runs it,
// with a systemctl on its PATH that records its arguments instead of restarting.
type pullRun struct {
	plan, state, calls string
	path               string
	env                []string
}

func newPullRun(t *testing.T, p pullplan.Plan, env []string) *pullRun {
	t.Helper()
	plan, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	r := &pullRun{plan: string(plan), state: filepath.Join(dir, "state", p.Composition+".json"),
		calls: filepath.Join(dir, "systemctl.calls"), path: filepath.Join(dir, "bin"), env: env}
	if err := os.Mkdir(r.path, 0o755); err != nil {
		t.Fatal(err)
	}
	fake := "#!/bin/sh\necho \"$*\" >> " + r.calls + "\n"
	if err := os.WriteFile(filepath.Join(r.path, "systemctl"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	return r
}

// run runs the command and returns its output and systemctl's calls since the last run.
func (r *pullRun) run(t *testing.T, args ...string) (string, []string) {
	t.Helper()
	_ = os.Remove(r.calls)
	cmd := exec.Command(filepath.Join(binDir, "khepri"), append([]string{"pull-images", "--plan", r.plan, "--state", r.state}, args...)...)
	cmd.Env = append(append(os.Environ(), r.env...), "PATH="+r.path+":"+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("khepri pull-images: %v: %s", err, out)
	}
	calls, err := os.ReadFile(r.calls)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(out), strings.Fields(strings.ReplaceAll(strings.TrimSpace(string(calls)), " ", "_"))
}

// age moves every recorded pull back by d, as if that much time had passed.
func (r *pullRun) age(t *testing.T, d time.Duration) {
	t.Helper()
	data, err := os.ReadFile(r.state)
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]map[string]map[string]any
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatal(err)
	}
	for _, s := range st["services"] {
		at, err := time.Parse(time.RFC3339, s["pulledAt"].(string))
		if err != nil {
			t.Fatal(err)
		}
		s["pulledAt"] = at.Add(-d).Format(time.RFC3339)
	}
	if err := os.WriteFile(r.state, []byte(mustJSON(t, st)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestScheduledPullRestartsWhatChanged: two services follow tags of a registry on
// 127.0.0.1. The first run pulls both and restarts nothing; web's tag then moves in the
// registry (the host keeps no copy of the new image, so only a real pull can bring it);
// a run before the interval pulls nothing; a run after it pulls, and asks systemd to
// restart web's unit alone, which ps then shows running the older image. Restarted
// (through the runner, standing in for systemd), web runs the new image, and the next
// run restarts nothing.
func TestScheduledPullRestartsWhatChanged(t *testing.T) {
	reg, _ := pinRegistry(t)
	scheduledPull(t, dockerRegistryHost(), reg)
}

// On podman, root's and a rootless user's: the plan names the user, and pull-images
// pulls and compares in that user's podman.
func TestPodmanScheduledPull(t *testing.T) {
	forPodmanOwners(t, func(t *testing.T, h *podmanHost, owner string) {
		reg, _ := pinRegistry(t)
		scheduledPull(t, podmanRegistryHost(t, h, owner, reg), reg)
	})
}

func scheduledPull(t *testing.T, host registryHost, reg string) {
	name := host.uniqueName(t)
	repo := reg + "/khepri-test/" + name
	dbRef, webRef := repo+"-db:15", repo+"-web:latest"
	t.Cleanup(func() {
		for _, r := range []string{repo + "-db", repo + "-web"} {
			dropLocal(t, r)
			host.dropLocal(t, r)
		}
	})
	first := pushAs(t, probeImage, dbRef)
	pushAs(t, probeImage, webRef)

	s := host.expand(t, name, `{"services": {
		"db": {"image": "`+dbRef+`"},
		"web": {"image": "`+webRef+`", "dependsOn": {"db": {"condition": "service_started"}}}}}`, nil)
	s.start()
	unit := func(svc string) string { return host.backend + "-" + s.ctr(svc) + ".service" }
	service := func(svc string) pullplan.Service {
		return pullplan.Service{Name: svc, Image: map[string]string{"db": dbRef, "web": webRef}[svc], Every: "1h0m0s",
			Containers: []string{s.ctr(svc)}, Units: []string{unit(svc)}}
	}
	r := newPullRun(t, pullplan.Plan{Composition: name, Backend: host.backend, User: host.user, UID: uint32(host.uid),
		Services: []pullplan.Service{service("db"), service("web")}}, host.env)

	out, calls := r.run(t)
	if want := "db: " + dbRef + " unchanged\nweb: " + webRef + " unchanged\n"; out != want || len(calls) != 0 {
		t.Fatalf("first run: %q, systemctl %q; want %q and no restart", out, calls, want)
	}

	moved := pushAs(t, otherProbe(t, name), webRef)
	docker(t, "rmi", webRef, "khepri-test/"+name+":2")
	out, calls = r.run(t)
	if strings.Count(out, "not due: pulled at ") != 2 || len(calls) != 0 {
		t.Errorf("a run within the interval: %q, systemctl %q; want nothing due", out, calls)
	}
	if host.imageID(t, "image", webRef) == moved {
		t.Errorf("a run within the interval pulled %s", webRef)
	}

	r.age(t, 2*time.Hour)
	out, calls = r.run(t)
	t.Logf("a run after the interval:\n%s", out)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || lines[0] != "db: "+dbRef+" unchanged" ||
		!strings.HasPrefix(lines[1], "web: "+webRef+" sha256:") || !strings.HasSuffix(lines[1], ", restarting "+unit("web")) {
		t.Errorf("a run after the interval printed %q", out)
	}
	if want := []string{"try-restart_--_" + unit("web")}; strings.Join(calls, " ") != strings.Join(want, " ") {
		t.Errorf("systemctl was called %q; want %q", calls, want)
	}
	if got := host.imageID(t, "image", webRef); got != moved {
		t.Errorf("after the pull %s names %s; the registry's is %s", webRef, got, moved)
	}
	if got := host.imageID(t, "container", s.ctr("web")); got != first {
		t.Errorf("web runs %s before its restart; want the first image %s", got, first)
	}

	rows := ps(t, s, host.env)
	if rows["web"]["pulledDigest"] == "" || rows["web"]["digest"] == rows["web"]["pulledDigest"] {
		t.Errorf("ps shows web as %v: want the digest it runs and the newer one pulled", rows["web"])
	}
	if rows["db"]["pulledDigest"] != "" || !strings.HasPrefix(rows["db"]["digest"], "sha256:") {
		t.Errorf("ps shows db as %v: want its digest and no newer one", rows["db"])
	}

	s.stop()
	s.start()
	if got := host.imageID(t, "container", s.ctr("web")); got != moved {
		t.Errorf("web runs %s after its restart; want the pulled image %s", got, moved)
	}
	r.age(t, 2*time.Hour)
	out, calls = r.run(t)
	if want := "db: " + dbRef + " unchanged\nweb: " + webRef + " unchanged\n"; out != want || len(calls) != 0 {
		t.Errorf("a run after the restart: %q, systemctl %q; want %q and no restart", out, calls, want)
	}
	if rows := ps(t, s, host.env); rows["web"]["pulledDigest"] != "" {
		t.Errorf("ps shows web as %v after its restart: want no newer image", rows["web"])
	}
}

// ps runs `khepri ps --format json` on the stack's manifest; it returns the rows by
// service, their string fields.
func ps(t *testing.T, s *stack, env []string) map[string]map[string]string {
	t.Helper()
	manifest, err := protojson.Marshal(s.resp.GetManifest())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "manifest.json")
	if err := os.WriteFile(path, manifest, 0o644); err != nil {
		t.Fatal(err)
	}
	// Without systemd the unit states are unknown, which ps says on stderr.
	cmd := exec.Command(filepath.Join(binDir, "khepri"), "ps", "--manifest", path, "--format", "json", s.name)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("khepri ps: %v", err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(out, &rows); err != nil {
		t.Fatal(err)
	}
	by := map[string]map[string]string{}
	for _, row := range rows {
		fields := map[string]string{}
		for k, v := range row {
			if str, ok := v.(string); ok {
				fields[k] = str
			}
		}
		by[fields["service"]] = fields
	}
	return by
}
