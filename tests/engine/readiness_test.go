//go:build engine

package engine

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// dockerInFront returns the runner Env that puts a docker in front of the real one,
// which runs the shell code before before it hands over.
func dockerInFront(t *testing.T, before string) []string {
	t.Helper()
	real, err := exec.LookPath("docker")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	script := fmt.Sprintf("#!/bin/sh\n%s\nexec %q \"$@\"\n", before, real)
	if err := os.WriteFile(filepath.Join(dir, "docker"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return []string{"PATH=" + dir + ":" + os.Getenv("PATH")}
}

// slowDockerRun sleeps two seconds before `docker run` or `docker create` of container
// ctr, as an image pull does: time in which a docker unit already counts as started.
func slowDockerRun(t *testing.T, ctr string) []string {
	return dockerInFront(t, fmt.Sprintf("for a; do\n  [ \"$a\" = %q ] && sleep 2\ndone", "--name="+ctr))
}

// hiddenFromInspect makes `docker inspect` answer that container ctr does not exist, as
// it answers once --rm has removed a container that ran for a moment.
func hiddenFromInspect(t *testing.T, ctr string) []string {
	return dockerInFront(t, fmt.Sprintf("if [ \"$1\" = inspect ]; then\n  for a; do\n    [ \"$a\" = %q ] && { echo \"Error: No such object: $a\" >&2; exit 1; }\n  done\nfi", ctr))
}

// runningSoon waits a little for a container to run, as a dependent that nothing waits
// for may still be starting when the runner is done, and returns its start time.
func runningSoon(ctr string, deadline time.Time) (time.Time, error) {
	var info string
	var err error
	for ; ; time.Sleep(100 * time.Millisecond) {
		info, err = dockerErr("container", "inspect", "--format", "{{.State.Running}} {{.State.StartedAt}}", ctr)
		if running, at, _ := strings.Cut(info, " "); err == nil && running == "true" {
			return time.Parse(time.RFC3339Nano, at)
		}
		if time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		return time.Time{}, err
	}
	return time.Time{}, fmt.Errorf("%s is not running: %s", ctr, info)
}

// A dependency whose `docker run` takes two seconds to start its container: every kind
// of dependent waits for the container to run, as compose's service_started does. On
// docker the unit counts as started when `docker run` is spawned, so without the wait
// in the dependency's unit the containers that join its namespaces, take its volumes
// or link to it fail with "No such container" and, with restart "no", stay down.
func TestDependentsWaitForSlowDockerRun(t *testing.T) {
	t.Parallel()
	s := newStack(t, `{"services": {
	  "db": { "image": "PROBE", "ipc": "shareable", "volumes": ["/data"] },
	  "net": { "image": "PROBE", "networkMode": "service:db", "command": ["serve", "8081"] },
	  "vols": { "image": "PROBE", "volumesFrom": ["db"] },
	  "ipc": { "image": "PROBE", "ipc": "service:db" },
	  "pid": { "image": "PROBE", "pid": "service:db" },
	  "link": { "image": "PROBE", "links": ["db:database"] },
	  "app": { "image": "PROBE", "dependsOn": { "db": { "condition": "service_started" } } }
	}}`)
	s.runner.Env = slowDockerRun(t, s.ctr("db"))
	s.start()
	started := map[string]time.Time{}
	deadline := time.Now().Add(10 * time.Second)
	for _, svc := range []string{"db", "net", "vols", "ipc", "pid", "link", "app"} {
		at, err := runningSoon(s.ctr(svc), deadline)
		if err != nil {
			t.Errorf("%s: %v", svc, err)
		}
		started[svc] = at
	}
	if t.Failed() {
		t.FailNow()
	}
	for svc, at := range started {
		if svc != "db" && !at.After(started["db"]) {
			t.Errorf("%s started at %s, not after db at %s", svc, at, started["db"])
		}
	}
	// The dependents really share what they were given of db.
	if out := probe(t, s.ctr("net"), "get", "http://127.0.0.1:8080/"); !strings.Contains(out, `"hostname"`) {
		t.Errorf("net does not reach db's server on their shared localhost: %s", out)
	}
	probe(t, s.ctr("db"), "write", "/data/mark", "from db")
	if got := probe(t, s.ctr("vols"), "read", "/data/mark"); got != "from db" {
		t.Errorf("vols reads %q from db's volume", got)
	}
}

// A dependency that runs and exits 0 at once counts as started, as in compose, though
// oci-containers' --rm has removed it before its unit looks (made certain by hiding it
// from docker inspect: its unit then learns of it from systemd's record of docker run's
// exit status); one whose `docker run` fails keeps its dependents from starting, with a
// message naming its container.
func TestRunningWaitOutcomes(t *testing.T) {
	t.Parallel()
	t.Run("exits 0 at once", func(t *testing.T) {
		t.Parallel()
		s := newStack(t, `{"services": {
		  "init": { "image": "PROBE", "command": ["exit", "0"] },
		  "app": { "image": "PROBE", "dependsOn": { "init": { "condition": "service_started" } } }
		}}`)
		s.runner.Env = hiddenFromInspect(t, s.ctr("init"))
		s.start()
		if _, err := runningSoon(s.ctr("app"), time.Now().Add(10*time.Second)); err != nil {
			t.Error(err)
		}
	})
	t.Run("docker run fails", func(t *testing.T) {
		t.Parallel()
		s := newStack(t, `{"services": {
		  "db": { "image": "khepri-test/absent:none", "pullPolicy": "never" },
		  "app": { "image": "PROBE", "dependsOn": { "db": { "condition": "service_started" } } }
		}}`)
		err := s.runner.Start(context.Background())
		want := "khepri: docker run exited with status 125 before container " + s.ctr("db") + " ran; the services that wait for it do not start"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("start: want %q, got %v", want, err)
		}
		if out, err := exec.Command("docker", "container", "inspect", s.ctr("app")).CombinedOutput(); err == nil {
			t.Errorf("app was created although db never ran: %s", out)
		}
	})
}
