//go:build systemd

package systemd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// khepri runs the khepri command in the machine as root, as a NixOS host's root runs it.
func (s *stack) khepri(args ...string) (stdout, stderr string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// Without execArgs' PODMAN_IGNORE_CGROUPSV1_WARNING: khepri reads podman's output
	// as it comes on a host.
	cmd := exec.CommandContext(ctx, "docker", append([]string{"exec", "-e", "PATH=" + engineDir + "/bin:/usr/local/bin:/usr/bin:/bin", s.m.name, "khepri"}, args...)...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.String(), e.String(), err
}

func (s *stack) mustKhepri(args ...string) string {
	s.t.Helper()
	out, errOut, err := s.khepri(args...)
	if err != nil {
		s.t.Fatalf("khepri %s: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

// psRow is the part of `khepri ps --format json` the tests read.
type psRow struct {
	Service   string `json:"service"`
	Container string `json:"container"`
	UnitState string `json:"unitState"`
	State     string `json:"state"`
	Health    string `json:"health"`
}

func (s *stack) ps() map[string]psRow {
	s.t.Helper()
	var rows []psRow
	out := s.mustKhepri("ps", "--format", "json", s.name)
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		s.t.Fatalf("khepri ps --format json: %v: %s", err, out)
	}
	got := map[string]psRow{}
	for _, r := range rows {
		got[r.Service] = r
	}
	return got
}

// cliStack is a service with a healthcheck and a volume, and one that waits for it;
// both print a line first.
const cliStack = `{
  "volumes": { "data": {} },
  "services": {
    "db": {
      "image": "PROBE", "command": ["args", "db-says-hello", "then", "serve", "8080"], "volumes": ["data:/data"],
      "healthcheck": { "test": ["CMD", "/probe", "health", ":8080"], "interval": "1s", "timeout": "2s", "retries": 60 }
    },
    "web": {
      "image": "PROBE", "command": ["args", "web-says-hello", "then", "serve", "8080"],
      "dependsOn": { "db": { "condition": "service_healthy", "required": true } }
    }
  }
}`

// The khepri command drives the composition's units through systemd's D-Bus API and
// waits for them: up, ps, logs, exec, stop, start, restart and down.
func TestKhepriCommand(t *testing.T) {
	eachBackend(t, testKhepriCommand)
}

func testKhepriCommand(t *testing.T, backend string) {
	s := newStack(t, backend, cliStack)
	m := s.m

	out := s.mustKhepri("up", s.name)
	t.Logf("khepri up %s:\n%s", s.name, out)
	for _, want := range []string{s.name + "/db", s.name + "/web", "running (healthy)"} {
		if !strings.Contains(out, want) {
			t.Errorf("khepri up printed no %q:\n%s", want, out)
		}
	}
	rows := s.ps()
	if r := rows["db"]; r.UnitState != "active" || r.State != "running" || r.Health != "healthy" {
		t.Errorf("khepri ps after up: db is %+v, want unit active, running, healthy", r)
	}
	if r := rows["web"]; r.UnitState != "active" || r.State != "running" || r.Container != s.ctr("web") {
		t.Errorf("khepri ps after up: web is %+v, want unit active, running", r)
	}
	table := s.mustKhepri("ps", s.name)
	if !strings.Contains(table, "COMPOSITION") || !strings.Contains(table, "running (healthy)") {
		t.Errorf("khepri ps table:\n%s", table)
	}

	t.Run("logs", func(t *testing.T) {
		if backend == "docker" && logDriver != "" {
			t.Logf("this engine refuses journald as a log driver (%s); the containers log with %s, which docker logs reads", logDriverWhy, logDriver)
		}
		logs := s.mustKhepri("logs", s.name, "db", "--tail", "5")
		if !strings.Contains(logs, `db | ["db-says-hello"]`) {
			t.Errorf("khepri logs db:\n%s", logs)
		}
		// Whatever the log driver, the unit's journal has what the container printed:
		// docker run, the unit's main process, is attached to it.
		if m.journalCount(s.unit("web"), `["web-says-hello"]`) != 1 {
			t.Errorf("journalctl -u %s lacks the container's output", s.unit("web"))
		}
	})

	t.Run("exec", func(t *testing.T) {
		s.mustKhepri("exec", "--no-tty", s.name, "db", "--", "/probe", "write", "/data/note", "from exec")
		if got := s.probe("db", "read", "/data/note"); got != "from exec" {
			t.Errorf("khepri exec wrote %q into %s", got, s.ctr("db"))
		}
	})

	t.Run("stop and start", func(t *testing.T) {
		s.mustKhepri("stop", s.name, "web")
		if st := m.active(s.unit("web")); st != "inactive" && st != "failed" {
			t.Errorf("after khepri stop web: its unit is %s", st)
		}
		if s.exists("container", s.ctr("web")) || m.active(s.unit("db")) != "active" {
			t.Errorf("after khepri stop web: web's container exists %v, db's unit %s", s.exists("container", s.ctr("web")), m.active(s.unit("db")))
		}
		s.mustKhepri("start", s.name, "web")
		if r := s.ps()["web"]; r.UnitState != "active" || r.State != "running" {
			t.Errorf("after khepri start web: %+v", r)
		}
	})

	t.Run("restart", func(t *testing.T) {
		db, web := s.running("db", ""), s.running("web", "")
		out := s.mustKhepri("restart", s.name, "db")
		if !strings.Contains(out, "running (healthy)") {
			t.Errorf("khepri restart db printed:\n%s", out)
		}
		s.running("db", db)
		// web requires db: systemd restarts it with db (compose's restart: true).
		s.running("web", web)
	})

	t.Run("down", func(t *testing.T) {
		s.mustKhepri("down", s.name)
		for _, svc := range []string{"db", "web"} {
			if st := m.active(s.unit(svc)); st != "inactive" && st != "failed" {
				t.Errorf("after khepri down: %s is %s", s.unit(svc), st)
			}
			if s.exists("container", s.ctr(svc)) {
				t.Errorf("after khepri down: container %s exists", s.ctr(svc))
			}
		}
		if s.exists("network", s.name+"_default") || !s.exists("volume", s.name+"_data") {
			t.Errorf("after khepri down: network %s_default exists %v (want removed), volume exists %v (want kept)",
				s.name, s.exists("network", s.name+"_default"), s.exists("volume", s.name+"_data"))
		}
		if r := s.ps()["db"]; r.State != "missing" {
			t.Errorf("khepri ps after down: db is %+v", r)
		}
	})
}

// A unit that fails makes khepri up exit non-zero, naming the unit and showing the
// last lines of its journal.
func TestKhepriUpFailure(t *testing.T) {
	eachBackend(t, testKhepriUpFailure)
}

func testKhepriUpFailure(t *testing.T, backend string) {
	s := newStack(t, backend, failingInit)
	out, errOut, err := s.khepri("up", s.name)
	if err == nil {
		t.Fatalf("khepri up of a composition whose init fails succeeded:\n%s", out)
	}
	t.Logf("khepri up %s: %v\n%s%s", s.name, err, out, errOut)
	for _, want := range []string{
		fmt.Sprintf("%s: ", s.unit("init")),
		"last lines of journalctl -u " + s.unit("init"),
		`["init-says-goodbye"]`,
		fmt.Sprintf("khepri: container %s exited with status 3", s.ctr("init")),
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("khepri up's error lacks %q:\n%s", want, errOut)
		}
	}
}
