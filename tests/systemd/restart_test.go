//go:build systemd

package systemd

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// restarts is one service per restart policy.
const restarts = `{
  "services": {
    "always": { "image": "PROBE", "restart": "always" },
    "unless-stopped": { "image": "PROBE", "restart": "unless-stopped" },
    "on-failure": { "image": "PROBE", "restart": "on-failure:2" },
    "no": { "image": "PROBE", "restart": "no" }
  }
}`

func (m *machine) restarts(unit string) int {
	m.t.Helper()
	n, err := strconv.Atoi(m.show(unit, "NRestarts")["NRestarts"])
	must(m.t, err)
	return n
}

// quiet is how long a test watches for a restart that must not come: many times
// RestartSec (100 ms), so a wrong restart shows up on a busy machine too.
const quiet = 3 * time.Second

// A container whose process dies is restarted by systemd as its restart policy says:
// always and unless-stopped every time, on-failure:2 twice and then no more, no never;
// a unit stopped with systemctl stays stopped whatever its policy.
func TestRestartPolicies(t *testing.T) {
	eachBackend(t, testRestartPolicies)
}

func testRestartPolicies(t *testing.T, backend string) {
	s := newStack(t, backend, restarts)
	m := s.m
	m.must("systemctl", "start", s.target())
	ids := map[string]string{}
	for _, svc := range []string{"always", "unless-stopped", "on-failure", "no"} {
		ids[svc] = s.running(svc, "")
	}

	for _, svc := range []string{"always", "unless-stopped"} {
		t.Run(svc, func(t *testing.T) {
			for i := 1; i <= 2; i++ {
				s.kill(svc)
				ids[svc] = s.running(svc, ids[svc])
				poll(t, time.Minute, fmt.Sprintf("%s to count %d restarts", s.unit(svc), i), func() bool { return m.restarts(s.unit(svc)) == i })
			}
		})
	}

	t.Run("on-failure:2", func(t *testing.T) {
		u := s.unit("on-failure")
		for i := 1; i <= 2; i++ {
			s.kill("on-failure")
			ids["on-failure"] = s.running("on-failure", ids["on-failure"])
			poll(t, time.Minute, fmt.Sprintf("%s to count %d restarts", u, i), func() bool { return m.restarts(u) == i })
		}
		s.kill("on-failure")
		poll(t, time.Minute, u+" to give up", func() bool { return m.active(u) == "failed" })
		time.Sleep(quiet)
		// systemd 252 leaves Result=exit-code, from the last run, and says why it did
		// not restart in the journal.
		if starts := m.journalCount(u, "Started "); starts != 3 || s.exists("container", s.ctr("on-failure")) || m.active(u) != "failed" {
			t.Errorf("%s started %d times, now %s: on-failure:2 starts once and restarts twice", u, starts, m.active(u))
		}
		if m.journalCount(u, "Start request repeated too quickly") != 1 {
			t.Errorf("%s: no start limit in its journal; StartLimitBurst is what stops it", u)
		}
	})

	t.Run("no", func(t *testing.T) {
		u := s.unit("no")
		s.kill("no")
		poll(t, time.Minute, u+" to fail", func() bool { return m.active(u) == "failed" })
		time.Sleep(quiet)
		if n := m.restarts(u); n != 0 || m.active(u) != "failed" || s.exists("container", s.ctr("no")) {
			t.Errorf("%s: %d restarts, %s, container left: %v; restart no never restarts", u, n, m.active(u), s.exists("container", s.ctr("no")))
		}
	})

	t.Run("systemctl stop is not fought", func(t *testing.T) {
		u := s.unit("always")
		before := m.restarts(u)
		m.must("systemctl", "stop", u)
		m.settled(time.Minute, u)
		time.Sleep(quiet)
		if st := m.active(u); st == "active" || st == "activating" || m.restarts(u) != before {
			t.Errorf("%s is %s with %d restarts after systemctl stop (had %d): restart always fought the stop", u, st, m.restarts(u), before)
		}
		if s.exists("container", s.ctr("always")) {
			t.Errorf("container %s is back after systemctl stop", s.ctr("always"))
		}
	})

	t.Run("back-off", func(t *testing.T) {
		// khepri follows docker's back-off with RestartSteps and RestartMaxDelaySec,
		// which systemd has since 254; an older one ignores them with a warning.
		if v := m.systemdVersion(); v < 254 {
			warned, _ := m.run("journalctl", "--no-pager", "-q", "-o", "cat", "-g", "Unknown key 'RestartSteps'")
			t.Skipf("not run: systemd %d has no RestartSteps (254 has): its restarts come every RestartSec=100ms, without back-off; it says: %s", v, firstLine(warned))
		}
		u := s.unit("unless-stopped")
		got := m.show(u, "RestartSteps", "RestartMaxDelayUSec")
		if got["RestartSteps"] != "10" || got["RestartMaxDelayUSec"] != "1min" {
			t.Errorf("back-off of %s: %v, want RestartSteps=10 RestartMaxDelayUSec=1min", u, got)
		}
		// Each restart waits longer than the one before.
		before := m.restartDelay(u)
		s.kill("unless-stopped")
		s.running("unless-stopped", ids["unless-stopped"])
		if after := m.restartDelay(u); after <= before {
			t.Errorf("%s: the next restart waits %s, after %s before the last one: no back-off", u, after, before)
		}
	})
}

// restartDelay is how long systemd will wait before the unit's next restart.
func (m *machine) restartDelay(unit string) time.Duration {
	m.t.Helper()
	v := m.show(unit, "RestartUSecNext")["RestartUSecNext"]
	d, err := time.ParseDuration(strings.ReplaceAll(strings.ReplaceAll(v, "min", "m"), " ", ""))
	if err != nil {
		m.t.Fatalf("%s RestartUSecNext = %q: %v", unit, v, err)
	}
	return d
}

// systemdVersion is the machine's systemd version, 252 for "systemd 252 (252.39-1~deb12u1)".
func (m *machine) systemdVersion() int {
	m.t.Helper()
	f := strings.Fields(m.must("systemctl", "--version"))
	if len(f) < 2 {
		m.t.Fatalf("systemctl --version: %q", f)
	}
	v, err := strconv.Atoi(f[1])
	must(m.t, err)
	return v
}

// journalCount counts a unit's journal messages that contain text.
func (m *machine) journalCount(unit, text string) int {
	m.t.Helper()
	n := 0
	for _, l := range strings.Split(m.must("journalctl", "--no-pager", "-q", "-o", "cat", "-u", unit), "\n") {
		if strings.Contains(l, text) {
			n++
		}
	}
	return n
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return l
}
