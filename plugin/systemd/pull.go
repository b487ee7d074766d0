package systemd

import (
	"fmt"
	"time"

	"github.com/khepri-nix/khepri/plugin/naming"
	"github.com/khepri-nix/khepri/plugin/parse"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// Pull is what a composition's pull unit keeps current.
type Pull struct {
	Backend     naming.Backend
	Composition string
	// Plan is the pull plan (proto/khepri/pullplan) as JSON, one word of the command.
	Plan string
	// Every is the shortest interval of the composition's scheduled services.
	Every time.Duration
	// Units are the composition's container units, with suffix: the pull runs after
	// them, so that it finds the containers it may restart.
	Units []string
	// Rootless is the user whose podman pulls; the unit itself runs as root, since it
	// restarts system units.
	Rootless *Rootless
}

// PullService builds the unit that runs `khepri pull-images` with the composition's
// plan: it pulls each image whose interval has passed and restarts, through their
// units, the containers whose image changed. It is no part of the composition's
// target: only its timer starts it.
func PullService(p Pull) *khepriv1.SystemdService {
	u := &khepriv1.SystemdService{
		Description: fmt.Sprintf("khepri %s: pull the images that follow a tag, restart the containers whose image changed", p.Composition),
		After:       append([]string{}, p.Units...),
		ServiceConfig: map[string]string{
			"Type":           "oneshot",
			"StateDirectory": naming.PullStateDirectory,
		},
		Script: Command("khepri", "pull-images", "--plan", p.Plan, "--state", naming.PullState(p.Composition)) + "\n",
	}
	if p.Backend == naming.Docker {
		u.After = append([]string{"docker.service", "docker.socket"}, u.After...)
	}
	// Pulls need the network, which a run made up at boot might come before; the
	// containers' units wait for it the same way (oci-containers).
	u.After = append(u.After, "network-online.target")
	u.Wants = []string{"network-online.target"}
	p.Rootless.Order(u)
	return u
}

// PullTimer builds the timer that starts a composition's pull unit. A timer firing more
// often than a service's interval is right: the command pulls only the images whose
// interval has passed since their last pull.
func PullTimer(p Pull) *khepriv1.SystemdTimer {
	cfg := map[string]string{
		// Hosts built from one configuration do not all ask the registry at once.
		"RandomizedDelaySec": parse.SystemdSpan(min(p.Every/10, time.Hour)),
	}
	if cal := calendar(p.Every); cal != "" {
		cfg["OnCalendar"] = cal
		// A run missed while the host was off is made up at the next boot.
		cfg["Persistent"] = "true"
	} else {
		// No calendar event repeats at this interval: count it from the last run, and
		// run soon after boot, when the command catches up with what is due.
		cfg["OnBootSec"] = parse.SystemdSpan(min(p.Every, 15*time.Minute))
		cfg["OnUnitActiveSec"] = parse.SystemdSpan(p.Every)
	}
	return &khepriv1.SystemdTimer{
		Description: fmt.Sprintf("khepri %s: keep the images that follow a tag current", p.Composition),
		WantedBy:    []string{"timers.target"},
		TimerConfig: cfg,
	}
}

// calendar is the calendar event that repeats every d, or "" when none does simply:
// weekly, daily, and a number of hours that divides a day.
func calendar(d time.Duration) string {
	switch {
	case d == 7*24*time.Hour:
		return "weekly"
	case d == 24*time.Hour:
		return "daily"
	case d == time.Hour:
		return "hourly"
	case d%time.Hour == 0 && d < 24*time.Hour && (24*time.Hour)%d == 0:
		return fmt.Sprintf("*-*-* 00/%d:00:00", d/time.Hour)
	}
	return ""
}
