//go:build systemd

package systemd

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/khepri-nix/khepri/tests/systemd/nixunits"
)

// observe makes the unit of service record, when systemd starts it, the state of the
// containers of deps as the engine has them then: a drop-in ExecStartPre, which runs
// after every ExecStartPre of the unit, just before its container is created, as the
// unit's user (into /tmp, which every user may write). It adds no behaviour: it only
// reads. Read the records with observed.
func (s *stack) observe(service string, deps ...string) {
	s.t.Helper()
	script := "#!/bin/sh\n: > /tmp/observed\nfor c in \"$@\"; do\n" +
		"  state=$(" + s.backend + " container inspect --format '{{.State.Status}}|{{if .State.Health}}{{.State.Health.Status}}{{end}}|{{.State.ExitCode}}' \"$c\" 2>/dev/null) || state=missing\n" +
		"  echo \"$c $state\" >> /tmp/observed\n" +
		"done\n"
	var ctrs []string
	for _, d := range deps {
		ctrs = append(ctrs, s.ctr(d))
	}
	s.m.write([]nixunits.File{
		{Path: "/opt/observe", Content: script, Mode: 0o755},
		{Path: nixunits.UnitDir + "/" + s.unit(service) + ".d/observe.conf", Content: "[Service]\nExecStartPre=/opt/observe " + strings.Join(ctrs, " ") + "\n", Mode: 0o644},
	})
	s.m.must("systemctl", "daemon-reload")
}

// observed returns what observe recorded, by service: "running healthy 0", with "-"
// for no health, or "missing".
func (s *stack) observed() map[string]string {
	s.t.Helper()
	got := map[string]string{}
	for _, l := range strings.Split(s.m.must("cat", "/tmp/observed"), "\n") {
		if c, state, ok := strings.Cut(l, " "); ok {
			f := strings.Split(state, "|")
			if len(f) == 3 && f[1] == "" {
				f[1] = "-"
			}
			got[strings.TrimPrefix(c, s.name+"-")] = strings.Join(f, " ")
		}
	}
	return got
}

// A dependent starts only once its dependency is healthy (service_healthy) and its
// other dependency has exited 0 (service_completed_successfully), both slow to get
// there; the completed one's unit stays active and is not restarted.
func TestDependsOnHealthyAndCompleted(t *testing.T) {
	eachBackend(t, testDependsOnHealthyAndCompleted)
}

func testDependsOnHealthyAndCompleted(t *testing.T, backend string) {
	s := newStack(t, backend, `{
	  "services": {
	    "db": {
	      "image": "PROBE", "command": ["sleep", "3", "then", "serve", "8080"],
	      "healthcheck": { "test": ["CMD", "/probe", "health", ":8080"], "interval": "1s", "timeout": "2s", "retries": 60 }
	    },
	    "init": { "image": "PROBE", "command": ["sleep", "3"], "restart": "always" },
	    "web": {
	      "image": "PROBE",
	      "dependsOn": {
	        "db": { "condition": "service_healthy", "required": true },
	        "init": { "condition": "service_completed_successfully", "required": true }
	      }
	    }
	  }
	}`)
	s.observe("web", "db", "init")
	s.m.must("systemctl", "start", s.target())
	got := s.observed()
	if got["db"] != "running healthy 0" {
		t.Errorf("when web started, db was %q, want running and healthy", got["db"])
	}
	if got["init"] != "exited - 0" {
		t.Errorf("when web started, init was %q, want exited with status 0", got["init"])
	}
	s.running("web", "")
	time.Sleep(quiet)
	if st := s.m.active(s.unit("init")); st != "active" || s.m.restarts(s.unit("init")) != 0 {
		t.Errorf("%s is %s after %d restarts: a completed dependency stays done", s.unit("init"), st, s.m.restarts(s.unit("init")))
	}
}

// A dependency that exits non-zero keeps its dependents from starting: its unit fails
// with khepri's message naming the container and status, and the dependent's start
// fails as a dependency, its container never created.
func TestDependsOnCompletedFailure(t *testing.T) {
	eachBackend(t, testDependsOnCompletedFailure)
}

func testDependsOnCompletedFailure(t *testing.T, backend string) {
	s := newStack(t, backend, failingInit)
	s.m.must("systemctl", "start", s.target())
	init := s.unit("init")
	poll(t, time.Minute, init+" to fail", func() bool { return s.m.active(init) == "failed" })
	want := fmt.Sprintf("khepri: container %s exited with status 3; the services that wait for its completion do not start", s.ctr("init"))
	if s.m.journalCount(init, want) != 1 {
		t.Errorf("journal of %s lacks %q", init, want)
	}
	s.m.settled(time.Minute, s.unit("web"))
	if r := s.m.show(s.unit("web"), "ActiveState", "Result"); r["ActiveState"] != "inactive" || s.exists("container", s.ctr("web")) {
		t.Errorf("web after init failed: unit %v, container exists %v; it must not start", r, s.exists("container", s.ctr("web")))
	}
	if s.m.journalCount(s.unit("web"), "Dependency failed") != 1 {
		t.Errorf("journal of %s does not say its dependency failed", s.unit("web"))
	}
}

// failingInit is a composition whose web waits for init to complete, which fails.
const failingInit = `{
  "services": {
    "init": { "image": "PROBE", "command": ["args", "init-says-goodbye", "then", "sleep", "1", "then", "exit", "3"] },
    "web": { "image": "PROBE", "dependsOn": { "init": { "condition": "service_completed_successfully", "required": true } } }
  }
}`

// slowEngine stands for the engine's package with a command whose `run` of container
// takes seconds before the container exists, as an image pull would.
func (s *stack) slowEngine(container string) string {
	s.t.Helper()
	dir := "/opt/slow-" + s.backend
	s.m.write([]nixunits.File{{Path: dir + "/bin/" + s.backend, Mode: 0o755, Content: "#!/bin/sh\n" +
		"for a in \"$@\"; do\n  if [ \"$a\" = --name=" + container + " ]; then sleep 3; fi\ndone\n" +
		"exec " + s.enginePkg() + "/bin/" + s.backend + " \"$@\"\n"}})
	return dir
}

// A dependent of service_started starts only once its dependency's container runs,
// even when `run` takes a while to create it. docker's unit is started when `docker
// run` is spawned (Type=simple), so the dependency's unit must wait for it; podman's
// is started when conmon reports the container running (Type=notify).
func TestDependsOnStartedWaitsForRunning(t *testing.T) {
	eachBackend(t, testDependsOnStartedWaitsForRunning)
}

func testDependsOnStartedWaitsForRunning(t *testing.T, backend string) {
	s := bareStack(t, backend)
	comp := `{
	  "services": {
	    "db": { "image": "PROBE" },
	    "web": { "image": "PROBE", "dependsOn": { "db": { "condition": "service_started", "required": true } } }
	  }
	}`
	s.installWith(comp, s.slowEngine(s.ctr("db")))
	if backend == "docker" && s.resp.GetContainerUnits()["docker-"+s.ctr("db")].GetPostStart() == "" {
		// The wait is plugin/service/readiness.go's, on the docker readiness branch.
		t.Skip("not run: this expansion has no wait for a running container in the dependency's unit yet")
	}
	s.observe("web", "db")
	s.m.must("systemctl", "start", s.target())
	if got := s.observed()["db"]; !strings.HasPrefix(got, "running ") {
		t.Errorf("when web started, db was %q, want running", got)
	}
}
