//go:build engine

package engine

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// environment, command, entrypoint, labels and ports reach the container: as the
// engine records them (docker inspect) and as the process sees them (from inside).
func TestConfigReachesContainer(t *testing.T) {
	t.Parallel()
	s := newStack(t, `{
	  "services": {
	    "app": {
	      "image": "PROBE",
	      "entrypoint": ["/probe", "serve"],
	      "command": ["8080", "--flag", "two words"],
	      "environment": { "GREETING": "hello", "EMPTY": "", "NUMBER": "42" },
	      "labels": { "org.example.role": "frontend", "org.example.empty": "" },
	      "ports": ["127.0.0.1::8080"],
	      "capAdd": ["NET_ADMIN"],
	      "capDrop": ["MKNOD"]
	    }
	  }
	}`)
	s.start()
	ctr := s.ctr("app")
	r := serving(t, ctr, 8080)
	if want := []string{"serve", "8080", "--flag", "two words"}; !slices.Equal(r.Args, want) {
		t.Errorf("args seen inside = %q, want %q", r.Args, want)
	}
	for k, v := range map[string]string{"GREETING": "hello", "EMPTY": "", "NUMBER": "42"} {
		if got, ok := r.Env[k]; !ok || got != v {
			t.Errorf("env %s inside = %q (set: %v), want %q", k, got, ok, v)
		}
	}
	in := inspect(t, ctr)
	if want := []string{"/probe"}; !slices.Equal(in.Config.Entrypoint, want) {
		t.Errorf("Entrypoint = %q, want %q", in.Config.Entrypoint, want)
	}
	if want := []string{"serve", "8080", "--flag", "two words"}; !slices.Equal(in.Config.Cmd, want) {
		t.Errorf("Cmd = %q, want %q", in.Config.Cmd, want)
	}
	for k, v := range map[string]string{
		"org.example.role": "frontend", "org.example.empty": "",
		"com.docker.compose.project": s.name, "com.docker.compose.service": "app",
	} {
		if got, ok := in.Config.Labels[k]; !ok || got != v {
			t.Errorf("label %s = %q (set: %v), want %q", k, got, ok, v)
		}
	}
	if !slices.Contains(in.HostConfig.CapAdd, "CAP_NET_ADMIN") || !slices.Contains(in.HostConfig.CapDrop, "CAP_MKNOD") {
		t.Errorf("CapAdd = %q, CapDrop = %q; want CAP_NET_ADMIN added and CAP_MKNOD dropped", in.HostConfig.CapAdd, in.HostConfig.CapDrop)
	}
	// From inside: the effective set of a process in the container (capability(7) bits).
	const netAdmin, mknod = 12, 27
	eff := capEff(t, probe(t, ctr, "read", "/proc/self/status"))
	if eff&(1<<netAdmin) == 0 || eff&(1<<mknod) != 0 {
		t.Errorf("CapEff = %#x: want NET_ADMIN (bit %d) set and MKNOD (bit %d) clear", eff, netAdmin, mknod)
	}
	b := in.HostConfig.PortBindings["8080/tcp"]
	if len(b) != 1 || b[0].HostIp != "127.0.0.1" {
		t.Fatalf("PortBindings[8080/tcp] = %+v, want one binding on 127.0.0.1", b)
	}
	hostPort := docker(t, "port", ctr, "8080/tcp")
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get("http://" + strings.Fields(hostPort)[0] + "/")
	if err != nil {
		t.Fatalf("GET the published port %s from the host: %v", hostPort, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var fromHost report
	if err := json.Unmarshal(body, &fromHost); err != nil || fromHost.Hostname != r.Hostname {
		t.Errorf("published port answers %q (%v), want the probe of %s", body, err, ctr)
	}
}

// capEff reads the effective capability set from /proc/<pid>/status.
func capEff(t *testing.T, status string) uint64 {
	t.Helper()
	for _, line := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(line, "CapEff:"); ok {
			n, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("no CapEff in %q", status)
	return 0
}

// dependsOn orders the start: each container starts only after the ones it depends on
// have started, and stops before them.
func TestDependsOnOrder(t *testing.T) {
	t.Parallel()
	s := newStack(t, `{
	  "services": {
	    "web": { "image": "PROBE", "dependsOn": { "api": { "condition": "service_started" } } },
	    "api": { "image": "PROBE", "dependsOn": { "db": { "condition": "service_started" }, "cache": { "condition": "service_started", "required": false } } },
	    "db": { "image": "PROBE" },
	    "cache": { "image": "PROBE" }
	  }
	}`)
	order, err := s.runner.Order()
	if err != nil {
		t.Fatal(err)
	}
	pos := map[string]int{}
	for i, u := range order {
		pos[u] = i
	}
	u := func(svc string) string { return "docker-" + s.ctr(svc) }
	for _, e := range [][2]string{{"db", "api"}, {"cache", "api"}, {"api", "web"}} {
		if pos[u(e[0])] > pos[u(e[1])] {
			t.Errorf("start order %v: %s after %s", order, e[0], e[1])
		}
	}
	s.start()
	started := map[string]time.Time{}
	for _, svc := range []string{"web", "api", "db", "cache"} {
		at, err := time.Parse(time.RFC3339Nano, inspect(t, s.ctr(svc)).State.StartedAt)
		if err != nil {
			t.Fatal(err)
		}
		started[svc] = at
	}
	for _, e := range [][2]string{{"db", "api"}, {"cache", "api"}, {"api", "web"}} {
		if !started[e[0]].Before(started[e[1]]) {
			t.Errorf("%s started at %s, not before %s at %s", e[0], started[e[0]], e[1], started[e[1]])
		}
	}
}

// service_healthy and service_completed_successfully: the dependent starts only once
// the dependency is healthy, or has exited 0; a dependency that exits non-zero keeps
// its dependents from starting, with a message that names it.
func TestDependsOnConditions(t *testing.T) {
	t.Parallel()
	finished := func(ctr string) time.Time {
		at, err := time.Parse(time.RFC3339Nano, inspect(t, ctr).State.FinishedAt)
		if err != nil {
			t.Fatal(err)
		}
		return at
	}
	startedAt := func(ctr string) time.Time {
		at, err := time.Parse(time.RFC3339Nano, inspect(t, ctr).State.StartedAt)
		if err != nil {
			t.Fatal(err)
		}
		return at
	}

	t.Run("completed", func(t *testing.T) {
		t.Parallel()
		s := newStack(t, `{"services": {
		  "init": { "image": "PROBE", "command": ["sleep", "2"] },
		  "app": { "image": "PROBE", "dependsOn": { "init": { "condition": "service_completed_successfully" } } }
		}}`)
		s.start()
		if done, began := finished(s.ctr("init")), startedAt(s.ctr("app")); !began.After(done) {
			t.Errorf("app started at %s, before init finished at %s", began, done)
		}
	})

	t.Run("failed", func(t *testing.T) {
		t.Parallel()
		s := newStack(t, `{"services": {
		  "init": { "image": "PROBE", "command": ["exit", "3"] },
		  "app": { "image": "PROBE", "dependsOn": { "init": { "condition": "service_completed_successfully" } } }
		}}`)
		err := s.runner.Start(context.Background())
		if err == nil || !strings.Contains(err.Error(), "khepri: container "+s.ctr("init")+" exited with status 3") {
			t.Fatalf("start: want the failure of init named, got %v", err)
		}
		if out, err := exec.Command("docker", "container", "inspect", s.ctr("app")).CombinedOutput(); err == nil {
			t.Errorf("app was created although init failed: %s", out)
		}
	})

	t.Run("healthy", func(t *testing.T) {
		t.Parallel()
		// db becomes healthy two seconds after it starts, when its file appears.
		s := newStack(t, `{"services": {
		  "db": { "image": "PROBE", "command": ["sleep", "2", "then", "write", "/ready", "x", "then", "serve", "8080"],
		          "healthcheck": { "test": ["CMD", "/probe", "health", "/ready"], "interval": "1s", "timeout": "1s", "retries": 10 } },
		  "app": { "image": "PROBE", "dependsOn": { "db": { "condition": "service_healthy" } } }
		}}`)
		s.start()
		if got := inspect(t, s.ctr("db")).State.Health.Status; got != "healthy" {
			t.Errorf("db health when app started: %q", got)
		}
		if began, db := startedAt(s.ctr("app")), startedAt(s.ctr("db")); began.Sub(db) < 2*time.Second {
			t.Errorf("app started %s after db, before db could be healthy", began.Sub(db))
		}
	})
}
