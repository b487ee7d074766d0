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
	"github.com/khepri-nix/khepri/host/lifecycle"
	"github.com/khepri-nix/khepri/host/progress"
	"github.com/khepri-nix/khepri/proto/khepri/manifest"
)

type lifecycleOptions struct {
	manifest string
	timeout  time.Duration
	noWait   bool
}

// lifecycleCommand is one of up, down, start, stop and restart: which systemd jobs it runs
// and what it waits for.
type lifecycleCommand struct {
	name, short, long string
	// jobs returns the jobs to run; all is true when no service was named.
	jobs func(c manifest.Composition, sel []manifest.Selected, all bool) []lifecycle.Job
	// running: wait until the services run (and are healthy); else until they stopped.
	running bool
}

var lifecycles = map[string]lifecycleCommand{
	"up": {
		name:  "up",
		short: "Start a composition (its target: networks, volumes and every service) or some of its services",
		long: `Up starts the composition's target, which starts its networks, volumes and
services, or, given services, their units (with what they depend on). It waits until
the services run, and are healthy when they have a healthcheck.`,
		jobs: func(c manifest.Composition, sel []manifest.Selected, all bool) []lifecycle.Job {
			if all {
				return []lifecycle.Job{{Kind: "start", Unit: c.Target}}
			}
			return lifecycle.ServiceJobs("start", sel)
		},
		running: true,
	},
	"down": {
		name:  "down",
		short: "Stop a composition (its target: every service, then its networks) or some of its services",
		long: `Down stops the composition's target, which stops its services and removes its
networks, or, given services, stops their units. Stopped containers are removed, as
oci-containers runs them. Volumes stay.`,
		jobs: func(c manifest.Composition, sel []manifest.Selected, all bool) []lifecycle.Job {
			if all {
				return []lifecycle.Job{{Kind: "stop", Unit: c.Target}}
			}
			return lifecycle.ServiceJobs("stop", sel)
		},
	},
	"start": {
		name:  "start",
		short: "Start the units of a composition's services",
		long: `Start starts the units of the composition's services (of all when none is named),
with what they depend on, and waits until they run and are healthy.`,
		jobs: func(_ manifest.Composition, sel []manifest.Selected, _ bool) []lifecycle.Job {
			return lifecycle.ServiceJobs("start", sel)
		},
		running: true,
	},
	"stop": {
		name:  "stop",
		short: "Stop the units of a composition's services; its networks stay",
		long: `Stop stops the units of the composition's services (of all when none is named) and
waits until they stopped. Unlike down, the composition's networks stay.`,
		jobs: func(_ manifest.Composition, sel []manifest.Selected, _ bool) []lifecycle.Job {
			return lifecycle.ServiceJobs("stop", sel)
		},
	},
	"restart": {
		name:  "restart",
		short: "Restart the units of a composition's services",
		long: `Restart restarts the units of the composition's services (of all when none is
named), one after the other, and waits until they run and are healthy.`,
		jobs: func(_ manifest.Composition, sel []manifest.Selected, _ bool) []lifecycle.Job {
			return lifecycle.ServiceJobs("restart", sel)
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

func newLifecycleCommand(rt *hostRuntime, lc lifecycleCommand) *cobra.Command {
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

func runLifecycle(ctx context.Context, rt *hostRuntime, lc lifecycleCommand, opts lifecycleOptions, args []string, stdout io.Writer) error {
	m, err := readManifest(ctx, opts.manifest)
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

	fail := func(units []lifecycle.Failure) error {
		return lifecycleError(ctx, rt, lc.name+" "+args[0], units)
	}
	failed, err := lifecycle.Run(ctx, mgr, lc.jobs(comp, sel, len(args) == 1))
	if err != nil {
		return err
	}
	if opts.noWait {
		if len(failed) > 0 {
			return fail(failed)
		}
		return nil
	}

	names := make([]string, len(sel))
	for i, s := range sel {
		names[i] = lifecycle.DisplayName(s)
	}
	w := &lifecycle.Waiter{
		Units:   mgr,
		Engine:  eng,
		Running: lc.running,
		Display: progress.New(stdout, rt.terminal(stdout), names),
		Poll:    rt.poll,
		Now:     rt.now,
	}
	more, err := w.Wait(ctx, rt.now().Add(opts.timeout), comp, sel, failed)
	if err != nil {
		return err
	}
	if len(more) > 0 {
		return fail(more)
	}
	return nil
}

// lifecycleError names each failing unit with the last lines of its journal, which is
// where systemd and the engine say why.
func lifecycleError(ctx context.Context, rt *hostRuntime, what string, units []lifecycle.Failure) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s failed:", what)
	for _, u := range units {
		fmt.Fprintf(&b, "\n%s: %s", u.Unit, u.Why)
		logs, err := rt.journal.Tail(context.WithoutCancel(ctx), u.Unit, jobLines)
		switch {
		case err != nil:
			fmt.Fprintf(&b, "\n  (its journal is unavailable: %v)", err)
		case strings.TrimSpace(logs) != "":
			fmt.Fprintf(&b, "\n  last lines of journalctl -u %s:", u.Unit)
			for _, l := range strings.Split(strings.TrimRight(logs, "\n"), "\n") {
				b.WriteString("\n    " + l)
			}
		}
	}
	return errors.New(b.String())
}
