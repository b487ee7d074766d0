//go:build systemd

package systemd

import (
	"slices"
	"strings"
	"testing"
)

// Two compositions whose images follow a tag: one's shortest interval is a calendar
// event (every 12 hours), the other's (every 5 hours) is none, so its timer counts from
// boot and from its last run.
const (
	calendarPulls = `{
  "services": {
    "db": { "image": "PROBE", "pullPolicy": "daily" },
    "web": { "image": "PROBE", "pullPolicy": "every_12h", "dependsOn": { "db": {} } }
  }
}`
	monotonicPulls = `{
  "services": {
    "db": { "image": "PROBE" },
    "web": { "image": "PROBE", "pullPolicy": "every_5h", "dependsOn": { "db": {} } }
  }
}`
)

// A composition's pull timer, as NixOS renders it, loads under systemd, is wanted by
// timers.target and, once started, is scheduled as the interval says; its pull unit
// loads, outside the composition's target, which starting the target does not start.
func TestPullTimer(t *testing.T) {
	eachBackend(t, testPullTimer)
}

func testPullTimer(t *testing.T, backend string) {
	s := newStack(t, backend, calendarPulls)
	m := s.m
	timer, pull := "khepri-"+s.name+"-pull.timer", "khepri-"+s.name+"-pull.service"
	if got := m.show(timer, "LoadState")["LoadState"]; got != "loaded" {
		t.Fatalf("%s is %s: systemd refused the timer", timer, got)
	}
	if got := m.show(pull, "LoadState")["LoadState"]; got != "loaded" {
		t.Fatalf("%s is %s: systemd refused the pull unit", pull, got)
	}
	if wants := m.show("timers.target", "Wants")["Wants"]; !strings.Contains(wants, timer) {
		t.Fatalf("timers.target wants %q, not %s", wants, timer)
	}
	m.must("systemctl", "start", timer)
	cal := m.show(timer, "ActiveState", "TimersCalendar", "NextElapseUSecRealtime", "Persistent", "RandomizedDelayUSec")
	if cal["ActiveState"] != "active" || cal["NextElapseUSecRealtime"] == "" || cal["Persistent"] != "yes" || cal["RandomizedDelayUSec"] != "1h" ||
		!strings.Contains(cal["TimersCalendar"], "OnCalendar=*-*-* 00/12:00:00") {
		t.Fatalf("%s is not scheduled every 12 hours: %v", timer, cal)
	}
	m.must("systemctl", "start", s.target())
	if st := m.active(pull); st != "inactive" {
		t.Fatalf("%s is %s after the target started: only its timer starts it", pull, st)
	}
	// Started as its timer starts it, the unit runs khepri pull-images with its plan:
	// the machine has no registry, so each service's pull fails, and the unit with it,
	// after naming both, dependency first.
	if _, err := m.run("systemctl", "start", pull); err == nil {
		t.Fatalf("%s succeeded without a registry to pull from", pull)
	}
	journal := m.must("journalctl", "-u", pull, "-o", "cat", "--no-pager")
	db, web := strings.Index(journal, "db: "+probeImage+": pull failed"), strings.Index(journal, "web: "+probeImage+": pull failed")
	if db < 0 || web < db {
		t.Fatalf("%s's journal does not name db's, then web's failed pull:\n%s", pull, journal)
	}

	// The switch restarts the changed timer, as NixOS's does.
	if changed := s.switchTo(monotonicPulls); !slices.Contains(changed, timer) {
		t.Fatalf("the switch restarted %v, not %s", changed, timer)
	}
	mono := m.show(timer, "ActiveState", "TimersMonotonic", "NextElapseUSecMonotonic")
	// OnUnitActiveSec shows once the pull unit has run; before, the run after boot.
	if mono["ActiveState"] != "active" || mono["NextElapseUSecMonotonic"] == "" || !strings.Contains(mono["TimersMonotonic"], "OnBootUSec=15min") {
		t.Fatalf("%s is not scheduled from boot: %v", timer, mono)
	}
	if unit := s.tree.Units[timer]; !strings.Contains(unit, "\nOnUnitActiveSec=18000s\n") {
		t.Fatalf("%s does not repeat every 5 hours:\n%s", timer, unit)
	}
}
