package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/khepri-nix/khepri/host/engine"
	"github.com/khepri-nix/khepri/host/progress"
	"github.com/khepri-nix/khepri/host/systemd"
	"github.com/khepri-nix/khepri/proto/khepri/manifest"
)

type lifecycleOptions struct {
	manifest string
	timeout  time.Duration
	noWait   bool
}

// lifecycle is one of up, down, start, stop and restart: which systemd jobs it runs
// and what it waits for.
type lifecycle struct {
	name, short, long string
	// jobs returns the jobs to run; all is true when no service was named.
	jobs func(c manifest.Composition, sel []manifest.Selected, all bool) []unitJob
	// running: wait until the services run (and are healthy); else until they stopped.
	running bool
}

type unitJob struct {
	kind string // "start", "stop", "restart"
	unit string
}

func serviceJobs(kind string, sel []manifest.Selected) []unitJob {
	jobs := make([]unitJob, len(sel))
	for i, s := range sel {
		jobs[i] = unitJob{kind: kind, unit: s.Unit}
	}
	return jobs
}

var lifecycles = map[string]lifecycle{
	"up": {
		name:  "up",
		short: "Start a composition (its target: networks, volumes and every service) or some of its services",
		long: `Up starts the composition's target, which starts its networks, volumes and
services, or, given services, their units (with what they depend on). It waits until
the services run, and are healthy when they have a healthcheck.`,
		jobs: func(c manifest.Composition, sel []manifest.Selected, all bool) []unitJob {
			if all {
				return []unitJob{{kind: "start", unit: c.Target}}
			}
			return serviceJobs("start", sel)
		},
		running: true,
	},
	"down": {
		name:  "down",
		short: "Stop a composition (its target: every service, then its networks) or some of its services",
		long: `Down stops the composition's target, which stops its services and removes its
networks, or, given services, stops their units. Stopped containers are removed, as
oci-containers runs them. Volumes stay.`,
		jobs: func(c manifest.Composition, sel []manifest.Selected, all bool) []unitJob {
			if all {
				return []unitJob{{kind: "stop", unit: c.Target}}
			}
			return serviceJobs("stop", sel)
		},
	},
	"start": {
		name:  "start",
		short: "Start the units of a composition's services",
		long: `Start starts the units of the composition's services (of all when none is named),
with what they depend on, and waits until they run and are healthy.`,
		jobs: func(_ manifest.Composition, sel []manifest.Selected, _ bool) []unitJob {
			return serviceJobs("start", sel)
		},
		running: true,
	},
	"stop": {
		name:  "stop",
		short: "Stop the units of a composition's services; its networks stay",
		long: `Stop stops the units of the composition's services (of all when none is named) and
waits until they stopped. Unlike down, the composition's networks stay.`,
		jobs: func(_ manifest.Composition, sel []manifest.Selected, _ bool) []unitJob {
			return serviceJobs("stop", sel)
		},
	},
	"restart": {
		name:  "restart",
		short: "Restart the units of a composition's services",
		long: `Restart restarts the units of the composition's services (of all when none is
named), one after the other, and waits until they run and are healthy.`,
		jobs: func(_ manifest.Composition, sel []manifest.Selected, _ bool) []unitJob {
			return serviceJobs("restart", sel)
		},
		running: true,
	},
}

func newUpCommand(rt *hostRuntime) *cobra.Command { return newLifecycleCommand(rt, lifecycles["up"]) }
func newDownCommand(rt *hostRuntime) *cobra.Command {
	return newLifecycleCommand(rt, lifecycles["down"])
}
func newStartCommand(rt *hostRuntime) *cobra.Command {
	return newLifecycleCommand(rt, lifecycles["start"])
}
func newStopCommand(rt *hostRuntime) *cobra.Command {
	return newLifecycleCommand(rt, lifecycles["stop"])
}
func newRestartCommand(rt *hostRuntime) *cobra.Command {
	return newLifecycleCommand(rt, lifecycles["restart"])
}

func newLifecycleCommand(rt *hostRuntime, lc lifecycle) *cobra.Command {
	var opts lifecycleOptions
	cmd := &cobra.Command{
		Use:   lc.name + " COMPOSITION [SERVICE...]",
		Short: lc.short,
		Long:  lc.long,
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLifecycle(cmd.Context(), rt, lc, opts, args, cmd.OutOrStdout())
		},
	}
	addManifestFlag(cmd, &opts.manifest)
	cmd.Flags().DurationVar(&opts.timeout, "timeout", 3*time.Minute, "how long to wait for the services")
	cmd.Flags().BoolVar(&opts.noWait, "no-wait", false, "return once systemd has run the jobs, without waiting for the containers")
	return cmd
}

// jobLines is how much of a failing unit's journal an error shows.
const jobLines = 20

func runLifecycle(ctx context.Context, rt *hostRuntime, lc lifecycle, opts lifecycleOptions, args []string, stdout io.Writer) error {
	m, err := manifest.Read(opts.manifest)
	if err != nil {
		return err
	}
	sel, comp, err := selectServices(m, args)
	if err != nil {
		return err
	}
	var eng engine.Engine
	if lc.running && !opts.noWait {
		if eng, err = rt.engineFor(m, args[0]); err != nil {
			return err
		}
	}
	mgr, err := rt.systemd(ctx)
	if err != nil {
		return err
	}
	defer mgr.Close()

	fail := func(units []failedUnit) error {
		return lifecycleError(ctx, rt, lc.name+" "+args[0], units)
	}
	var failed []failedUnit
	for _, j := range lc.jobs(comp, sel, len(args) == 1) {
		err := runJob(ctx, mgr, j)
		var jobErr *systemd.JobError
		switch {
		case err == nil:
		case errors.As(err, &jobErr):
			// A target's job fails as "dependency" when a member failed; the wait
			// names that member, so only the member is reported.
			if !strings.HasSuffix(j.unit, ".target") {
				failed = append(failed, failedUnit{unit: j.unit, why: "job " + jobErr.Result})
			}
		default:
			return err
		}
	}
	if opts.noWait {
		if len(failed) > 0 {
			return fail(failed)
		}
		return nil
	}

	more, err := waitFor(ctx, rt, time.Now().Add(opts.timeout), lc.running, comp, sel, mgr, eng, stdout, failed)
	if err != nil {
		return err
	}
	if len(more) > 0 {
		return fail(more)
	}
	return nil
}

func runJob(ctx context.Context, mgr systemd.Manager, j unitJob) error {
	switch j.kind {
	case "start":
		return mgr.Start(ctx, j.unit)
	case "stop":
		return mgr.Stop(ctx, j.unit)
	default:
		return mgr.Restart(ctx, j.unit)
	}
}

type failedUnit struct {
	unit string
	why  string
}

// waitFor polls the units (and, for running, the containers) until every service has
// settled or the deadline passes, and returns the units that did not get where they
// should.
func waitFor(ctx context.Context, rt *hostRuntime, deadline time.Time, running bool, comp manifest.Composition, sel []manifest.Selected, mgr systemd.Manager, eng engine.Engine, stdout io.Writer, failed []failedUnit) ([]failedUnit, error) {
	names := make([]string, len(sel))
	units := append([]string{}, comp.Units...)
	for i, s := range sel {
		names[i] = s.Composition + "/" + s.Label()
		units = append(units, s.Unit)
	}
	display := progress.New(stdout, rt.terminal(stdout), names)
	bad := map[string]string{}
	for _, f := range failed {
		bad[f.unit] = f.why
	}

	tick := time.NewTicker(rt.poll)
	defer tick.Stop()
	for {
		timedOut := !time.Now().Before(deadline)
		states, err := mgr.States(ctx, units)
		if err != nil {
			return nil, err
		}
		var containers []engine.Container
		if running {
			if containers, err = eng.Containers(ctx, sel[0].Composition); err != nil {
				return nil, err
			}
		}

		// A network or volume unit that failed holds every service back.
		if running {
			for _, u := range comp.Units {
				if states[u].Active == "failed" {
					bad[u] = "failed"
				}
			}
		}
		settled := 0
		for i, s := range sel {
			st := states[s.Unit]
			text, done, why := serviceProgress(running, st, containers, s)
			if b, ok := bad[s.Unit]; ok {
				// The job's result says more than the state it left.
				why = b
			} else if why == "" && timedOut && !done {
				why = "not ready after the timeout: " + text
			}
			if why != "" {
				bad[s.Unit] = why
				display.Set(names[i], "failed ("+why+")", true)
				settled++
				continue
			}
			display.Set(names[i], text, done)
			if done {
				settled++
			}
		}
		// A failure ends the wait: the error, not more waiting, is what helps.
		if settled == len(sel) || timedOut || len(bad) > 0 {
			return orderedFailures(bad, comp.Units, sel), nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-tick.C:
		}
	}
}

// serviceProgress says where a service is: its progress text, whether it got where it
// should, and why it failed, if it did.
func serviceProgress(running bool, st systemd.State, containers []engine.Container, s manifest.Selected) (text string, done bool, why string) {
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
	c, ok := findContainer(containers, s)
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

func orderedFailures(bad map[string]string, helpers []string, sel []manifest.Selected) []failedUnit {
	var out []failedUnit
	for _, u := range helpers {
		if why, ok := bad[u]; ok {
			out = append(out, failedUnit{unit: u, why: why})
		}
	}
	for _, s := range sel {
		if why, ok := bad[s.Unit]; ok {
			out = append(out, failedUnit{unit: s.Unit, why: why})
		}
	}
	return out
}

// lifecycleError names each failing unit with the last lines of its journal, which is
// where systemd and the engine say why.
func lifecycleError(ctx context.Context, rt *hostRuntime, what string, units []failedUnit) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s failed:", what)
	for _, u := range units {
		fmt.Fprintf(&b, "\n%s: %s", u.unit, u.why)
		logs, err := rt.journal.Tail(context.WithoutCancel(ctx), u.unit, jobLines)
		switch {
		case err != nil:
			fmt.Fprintf(&b, "\n  (its journal is unavailable: %v)", err)
		case strings.TrimSpace(logs) != "":
			fmt.Fprintf(&b, "\n  last lines of journalctl -u %s:", u.unit)
			for _, l := range strings.Split(strings.TrimRight(logs, "\n"), "\n") {
				b.WriteString("\n    " + l)
			}
		}
	}
	return errors.New(b.String())
}
