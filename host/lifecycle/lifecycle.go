// Package lifecycle runs the systemd jobs of the khepri command's up, down, start, stop
// and restart, and waits until the services get where the jobs send them: running (and
// healthy, with a healthcheck) or stopped.
package lifecycle

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/khepri-nix/khepri/host/engine"
	"github.com/khepri-nix/khepri/host/progress"
	"github.com/khepri-nix/khepri/host/systemd"
	"github.com/khepri-nix/khepri/proto/khepri/manifest"
)

// Job is one systemd job: Kind is "start", "stop" or "restart".
type Job struct {
	Kind string
	Unit string
}

// ServiceJobs is one job of kind for each selected service's unit.
func ServiceJobs(kind string, sel []manifest.Selected) []Job {
	jobs := make([]Job, len(sel))
	for i, s := range sel {
		jobs[i] = Job{Kind: kind, Unit: s.Unit}
	}
	return jobs
}

// Failure is a unit that did not get where it should, and why.
type Failure struct {
	Unit string
	Why  string
}

// Run runs the jobs one after the other. A job systemd reports as failed is a Failure,
// but for a target's: a target's job fails as "dependency" when a member failed, and the
// wait names that member.
func Run(ctx context.Context, mgr systemd.Manager, jobs []Job) ([]Failure, error) {
	var failed []Failure
	for _, j := range jobs {
		var err error
		switch j.Kind {
		case "start":
			err = mgr.Start(ctx, j.Unit)
		case "stop":
			err = mgr.Stop(ctx, j.Unit)
		default:
			err = mgr.Restart(ctx, j.Unit)
		}
		var jobErr *systemd.JobError
		switch {
		case err == nil:
		case errors.As(err, &jobErr):
			if !strings.HasSuffix(j.Unit, ".target") {
				failed = append(failed, Failure{Unit: j.Unit, Why: "job " + jobErr.Result})
			}
		default:
			return nil, err
		}
	}
	return failed, nil
}

// Waiter polls a composition's units (and, when Running, its containers) until every
// selected service has settled, one has failed, or the deadline passes.
type Waiter struct {
	Units systemd.Manager
	// Engine lists the containers; read only when Running.
	Engine engine.Engine
	// Running: wait until the services run (and are healthy); else until they stopped.
	Running bool
	// Display shows each service's progress, named "<composition>/<label>".
	Display *progress.Display
	Poll    time.Duration
	Now     func() time.Time
}

// Wait returns the units that did not get where they should, the helper units (network
// and volume creation) first; failed are the units whose jobs failed already.
func (w *Waiter) Wait(ctx context.Context, deadline time.Time, comp manifest.Composition, sel []manifest.Selected, failed []Failure) ([]Failure, error) {
	units := append([]string{}, comp.Units...)
	for _, s := range sel {
		units = append(units, s.Unit)
	}
	bad := map[string]string{}
	for _, f := range failed {
		bad[f.Unit] = f.Why
	}

	tick := time.NewTicker(w.Poll)
	defer tick.Stop()
	for {
		timedOut := !w.Now().Before(deadline)
		states, err := w.Units.States(ctx, units)
		if err != nil {
			return nil, err
		}
		var containers []engine.Container
		if w.Running {
			if containers, err = w.Engine.Containers(ctx, sel[0].Composition); err != nil {
				return nil, err
			}
			// A network or volume unit that failed holds every service back.
			for _, u := range comp.Units {
				if states[u].Active == "failed" {
					bad[u] = "failed"
				}
			}
		}
		settled := 0
		for _, s := range sel {
			name := DisplayName(s)
			text, done, why := Progress(w.Running, states[s.Unit], containers, s)
			if b, ok := bad[s.Unit]; ok {
				// The job's result says more than the state it left.
				why = b
			} else if why == "" && timedOut && !done {
				why = "not ready after the timeout: " + text
			}
			if why != "" {
				bad[s.Unit] = why
				w.Display.Set(name, "failed ("+why+")", true)
				settled++
				continue
			}
			w.Display.Set(name, text, done)
			if done {
				settled++
			}
		}
		// A failure ends the wait: the error, not more waiting, is what helps.
		if settled == len(sel) || timedOut || len(bad) > 0 {
			return ordered(bad, comp.Units, sel), nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-tick.C:
		}
	}
}

// DisplayName names a service in the progress display.
func DisplayName(s manifest.Selected) string { return s.Composition + "/" + s.Label() }

// Progress says where a service is: its progress text, whether it got where it should,
// and why it failed, if it did.
func Progress(running bool, st systemd.State, containers []engine.Container, s manifest.Selected) (text string, done bool, why string) {
	if !running {
		switch st.Active {
		case "inactive", "failed":
			return "stopped", true, ""
		}
		return st.Active, false, ""
	}
	switch st.Active {
	case "failed":
		return "failed", false, "unit failed"
	case "active":
	default:
		return "unit " + st.Active, false, ""
	}
	c, ok := engine.Find(containers, s)
	switch {
	case !ok:
		return "creating container", false, ""
	case c.State != "running":
		return "container " + c.State, false, ""
	case c.Health == "unhealthy":
		return "unhealthy", false, "container unhealthy"
	case c.Health == "healthy":
		return "running (healthy)", true, ""
	case c.Health != "":
		return "running (health " + c.Health + ")", false, ""
	}
	return "running", true, ""
}

// ordered lists the failures, the helper units first, then the services in their order.
func ordered(bad map[string]string, helpers []string, sel []manifest.Selected) []Failure {
	var out []Failure
	for _, u := range helpers {
		if why, ok := bad[u]; ok {
			out = append(out, Failure{Unit: u, Why: why})
		}
	}
	for _, s := range sel {
		if why, ok := bad[s.Unit]; ok {
			out = append(out, Failure{Unit: s.Unit, Why: why})
		}
	}
	return out
}
