//go:build systemd

package systemd

import (
	"strconv"
	"testing"
	"time"
)

// twoTier is a composition of a network, a volume and a service depending on another.
const twoTier = `{
  "networks": { "back": {} },
  "volumes": { "data": {} },
  "services": {
    "db": { "image": "PROBE", "networks": { "back": {} }, "volumes": ["data:/data"] },
    "web": { "image": "PROBE", "networks": { "back": {} }, "dependsOn": { "db": { "condition": "service_started", "required": true } } }
  }
}`

// at is a unit's transition time (systemd's monotonic clock, µs) of a property such as
// ActiveEnterTimestampMonotonic: ordering, not duration, is what the tests read.
func (m *machine) at(unit, prop string) int64 {
	m.t.Helper()
	v := m.show(unit, prop)[prop]
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n == 0 {
		m.t.Fatalf("%s %s = %q: the unit never made that transition", unit, prop, v)
	}
	return n
}

// settled waits until no unit is active or changing state.
func (m *machine) settled(limit time.Duration, units ...string) {
	m.t.Helper()
	for _, u := range units {
		poll(m.t, limit, u+" to stop", func() bool {
			st := m.active(u)
			return st == "inactive" || st == "failed"
		})
	}
}

// Starting the composition's target brings up the unit creating its network and volume
// first, then the containers in dependency order; stopping it stops the containers in
// reverse order, then removes the network, and leaves the volume.
func TestTargetStartAndStop(t *testing.T) {
	eachBackend(t, testTargetStartAndStop)
}

func testTargetStartAndStop(t *testing.T, backend string) {
	s := newStack(t, backend, twoTier)
	m := s.m
	resources := "khepri-" + s.name + "-resources.service"
	for _, u := range []string{s.target(), resources, s.unit("db"), s.unit("web")} {
		if st := m.active(u); st != "inactive" {
			t.Fatalf("%s is %s before the target starts: nothing may start on install", u, st)
		}
	}

	m.must("systemctl", "start", s.target())
	for _, u := range []string{s.target(), resources, s.unit("db"), s.unit("web")} {
		if st := m.active(u); st != "active" {
			t.Errorf("after starting %s: %s is %s, want active", s.target(), u, st)
		}
	}
	for _, c := range []string{"db", "web"} {
		poll(t, time.Minute, s.ctr(c)+" to run", func() bool {
			out, _ := s.engine("container", "inspect", "--format", "{{.State.Running}}", s.ctr(c))
			return out == "true"
		})
	}
	if !s.exists("network", s.name+"_back") || !s.exists("volume", s.name+"_data") {
		t.Fatalf("network %s_back or volume %s_data missing after start", s.name, s.name)
	}
	// Each unit began to start only once what it is ordered after had started.
	for _, o := range []struct{ first, then string }{
		{resources, s.unit("db")}, {resources, s.unit("web")}, {s.unit("db"), s.unit("web")},
	} {
		if started, begins := m.at(o.first, "ActiveEnterTimestampMonotonic"), m.at(o.then, "InactiveExitTimestampMonotonic"); begins < started {
			t.Errorf("%s began to start (%d) before %s had started (%d)", o.then, begins, o.first, started)
		}
	}

	// The target's stop job ends at once (a target is ordered after its members, so it
	// stops first); its members' stop jobs go on after systemctl returns.
	m.must("systemctl", "stop", s.target())
	m.settled(time.Minute, s.target(), resources, s.unit("db"), s.unit("web"))
	// Stop runs in reverse: web was down before db began to stop, both before the network.
	for _, o := range []struct{ first, then string }{
		{s.unit("web"), s.unit("db")}, {s.unit("db"), resources}, {s.unit("web"), resources},
	} {
		if stopped, begins := m.at(o.first, "InactiveEnterTimestampMonotonic"), m.at(o.then, "ActiveExitTimestampMonotonic"); begins < stopped {
			t.Errorf("%s began to stop (%d) before %s had stopped (%d)", o.then, begins, o.first, stopped)
		}
	}
	for _, c := range []string{"db", "web"} {
		if s.exists("container", s.ctr(c)) {
			t.Errorf("container %s survives the stop of %s (oci-containers removes it)", s.ctr(c), s.target())
		}
	}
	if s.exists("network", s.name+"_back") {
		t.Errorf("network %s_back survives the stop of its composition", s.name)
	}
	if !s.exists("volume", s.name+"_data") {
		t.Errorf("volume %s_data was removed with its composition; volumes are never removed", s.name)
	}
	for _, c := range []string{"db", "web"} {
		r := m.show(s.unit(c), "ActiveState", "Result", "ExecMainStatus")
		t.Logf("%s after stop: %s (result %s, main process exited %s)", s.unit(c), r["ActiveState"], r["Result"], r["ExecMainStatus"])
	}
}

// A service's post_start hook runs in its container once it runs, and its pre_stop hook
// before the container is stopped: khepri's preStop comes before oci-containers' stop
// in the unit's ExecStop (mkBefore).
func TestLifecycleHooks(t *testing.T) {
	eachBackend(t, testLifecycleHooks)
}

func testLifecycleHooks(t *testing.T, backend string) {
	s := newStack(t, backend, `{
	  "volumes": { "data": {} },
	  "services": {
	    "app": {
	      "image": "PROBE", "volumes": ["data:/data"],
	      "postStart": [{ "command": ["/probe", "write", "/data/started", "by post_start"] }],
	      "preStop": [{ "command": ["/probe", "write", "/data/stopping", "by pre_stop"] }]
	    },
	    "reader": { "image": "PROBE", "volumes": ["data:/data"] }
	  }
	}`)
	s.m.must("systemctl", "start", s.target())
	if got := s.probe("app", "read", "/data/started"); got != "by post_start" {
		t.Errorf("after start: /data/started = %q", got)
	}
	s.m.must("systemctl", "stop", s.unit("app"))
	if s.exists("container", s.ctr("app")) {
		t.Fatalf("%s survives the stop of its unit", s.ctr("app"))
	}
	if got := s.probe("reader", "read", "/data/stopping"); got != "by pre_stop" {
		t.Errorf("after stop: /data/stopping = %q, want the pre_stop hook's", got)
	}
}
