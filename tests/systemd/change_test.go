//go:build systemd

package systemd

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// withValue is a service with a named volume, its definition varying in one value.
func withValue(v string) string {
	return fmt.Sprintf(`{
	  "volumes": { "data": {} },
	  "services": {
	    "app": { "image": "PROBE", "environment": { "VALUE": %q }, "volumes": ["data:/data"] },
	    "other": { "image": "PROBE" }
	  }
	}`, v)
}

// A changed container definition changes its unit, which a switch restarts: the new
// container runs with the new value and finds the named volume's data; the units that
// did not change keep running.
func TestChangedDefinitionRestarts(t *testing.T) {
	eachBackend(t, testChangedDefinitionRestarts)
}

func testChangedDefinitionRestarts(t *testing.T, backend string) {
	s := newStack(t, backend, withValue("one"))
	m := s.m
	m.must("systemctl", "start", s.target())
	first := s.running("app", "")
	other := s.running("other", "")
	s.probe("app", "write", "/data/kept", "written by one")
	resources := "khepri-" + s.name + "-resources.service"
	since := m.at(resources, "ActiveEnterTimestampMonotonic")

	// Starting again changes nothing: systemd does not restart a running unit.
	m.must("systemctl", "start", s.target())
	if id := s.running("app", ""); id != first {
		t.Fatalf("starting the running target again replaced %s", s.ctr("app"))
	}

	restarted := s.switchTo(withValue("two"))
	if !slices.Equal(restarted, []string{s.unit("app")}) {
		t.Errorf("the switch restarted %v, want only %s, the unit whose definition changed", restarted, s.unit("app"))
	}
	s.running("app", first)
	env := s.mustEngine("container", "inspect", "--format", "{{range .Config.Env}}{{println .}}{{end}}", s.ctr("app"))
	if !slices.Contains(strings.Split(env, "\n"), "VALUE=two") {
		t.Errorf("after the switch %s has environment %q, want VALUE=two", s.ctr("app"), env)
	}
	if got := s.probe("app", "read", "/data/kept"); got != "written by one" {
		t.Errorf("after the switch /data/kept = %q, want the volume's data kept", got)
	}
	if id := s.running("other", ""); id != other {
		t.Errorf("%s was replaced, though its definition did not change", s.ctr("other"))
	}
	if now := m.at(resources, "ActiveEnterTimestampMonotonic"); now != since {
		t.Errorf("%s was restarted, though it did not change", resources)
	}
}
