// Package pull keeps a composition's images current for its pull unit (`khepri
// pull-images`): it pulls each image of the plan whose interval has passed, and restarts,
// through their systemd units, exactly the containers that run another image than the
// one the reference names after the pull. The plan is proto/khepri/pullplan's.
package pull

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/khepri-nix/khepri/host/engine"
	"github.com/khepri-nix/khepri/proto/khepri/pullplan"
)

// Engine is what the command asks of the composition's engine; host/engine.CLI is one.
type Engine interface {
	Pull(ctx context.Context, ref string) error
	Images(ctx context.Context, names ...string) (map[string]engine.Image, error)
	Containers(ctx context.Context, projects ...string) ([]engine.Container, error)
}

// Units restarts container units.
type Units interface {
	// Restart restarts the units that run, all in one call, so that systemd orders the
	// jobs by the units' After= and restarts the units bound to them.
	Restart(ctx context.Context, units []string) error
}

// Options are a run's clock and whether it pulls every image whatever its interval.
type Options struct {
	Now   time.Time
	Force bool
}

// Run pulls what is due, restarts what changed, writes one line per service to out
// (the unit's journal), and returns the state to keep: a service's pull is recorded
// once its containers run the image pulled, so a failed restart is tried again at the
// next run. The error names what failed; the other services still went ahead.
func Run(ctx context.Context, p *pullplan.Plan, prev State, opts Options, e Engine, u Units, out io.Writer) (State, error) {
	now := opts.Now.UTC().Truncate(time.Second)
	next := State{Services: map[string]Pulled{}}
	if len(p.Pinned) > 0 {
		fmt.Fprintf(out, "%s: pinned by the image lock, never re-pulled\n", strings.Join(slices.Sorted(slices.Values(p.Pinned)), ", "))
	}
	var failed, units []string
	// pending are the pulls recorded once their containers restart.
	pending := map[string]Pulled{}
	var running map[string]engine.Container
	for _, s := range p.Services {
		every, err := time.ParseDuration(s.Every)
		if err != nil {
			return prev, fmt.Errorf("service %s: interval %q: %w", s.Name, s.Every, err)
		}
		last, ok := prev.Services[s.Name]
		if ok && last.Image == s.Image {
			next.Services[s.Name] = last
			if !opts.Force && !last.At.After(now) && now.Before(last.At.Add(every)) {
				fmt.Fprintf(out, "%s: %s not due: pulled at %s, next after %s\n", s.Name, s.Image,
					last.At.Format(time.RFC3339), last.At.Add(every).Format(time.RFC3339))
				continue
			}
		}
		if err := e.Pull(ctx, s.Image); err != nil {
			fmt.Fprintf(out, "%s: %s: pull failed: %v\n", s.Name, s.Image, err)
			failed = append(failed, "the pull of "+s.Name)
			continue
		}
		// The containers run what they ran before any pull: one listing serves all.
		var restart []string
		if running == nil {
			running, err = containers(ctx, p, e)
		}
		if err == nil {
			restart, err = compare(ctx, s, running, e, out)
		}
		switch {
		case err != nil:
			fmt.Fprintf(out, "%s: %v\n", s.Name, err)
			failed = append(failed, "the check of "+s.Name)
		case len(restart) == 0:
			next.Services[s.Name] = Pulled{Image: s.Image, At: now}
		default:
			units = append(units, restart...)
			pending[s.Name] = Pulled{Image: s.Image, At: now}
		}
	}
	if len(units) > 0 {
		if err := u.Restart(ctx, units); err != nil {
			fmt.Fprintf(out, "restarting %s failed: %v\n", strings.Join(units, " "), err)
			failed = append(failed, "the restart of "+strings.Join(units, " "))
			pending = nil
		}
	}
	maps.Copy(next.Services, pending)
	return next, failure(p, failed)
}

// containers are the composition's containers by name.
func containers(ctx context.Context, p *pullplan.Plan, e Engine) (map[string]engine.Container, error) {
	cs, err := e.Containers(ctx, p.Composition)
	if err != nil {
		return nil, fmt.Errorf("list the containers of %s: %w", p.Composition, err)
	}
	byName := map[string]engine.Container{}
	for _, c := range cs {
		byName[c.Name] = c
	}
	return byName, nil
}

// compare returns the units of a service's containers that run another image than the
// one its reference names now, and says what it found.
func compare(ctx context.Context, s pullplan.Service, running map[string]engine.Container, e Engine, out io.Writer) ([]string, error) {
	names := []string{s.Image}
	for _, name := range s.Containers {
		if c, ok := running[name]; ok {
			names = append(names, c.ImageID)
		}
	}
	images, err := e.Images(ctx, names...)
	if err != nil {
		return nil, fmt.Errorf("inspect the images of %s: %w", s.Image, err)
	}
	now, ok := images[s.Image]
	if !ok {
		return nil, fmt.Errorf("%s was pulled, and the engine does not find it", s.Image)
	}
	var changes, restart []string
	for i, name := range s.Containers {
		c, ok := running[name]
		if !ok || c.ImageID == now.ID {
			continue
		}
		img, ok := images[c.ImageID]
		if !ok {
			img = engine.Image{ID: c.ImageID}
		}
		o, n := engine.Digests(s.Image, img, now)
		if d := o + " → " + n; !slices.Contains(changes, d) {
			changes = append(changes, d)
		}
		restart = append(restart, s.Units[i])
	}
	switch {
	case len(names) == 1:
		fmt.Fprintf(out, "%s: %s %s, no container of it runs\n", s.Name, s.Image, now.Digest(s.Image))
	case len(restart) == 0:
		fmt.Fprintf(out, "%s: %s unchanged\n", s.Name, s.Image)
	default:
		fmt.Fprintf(out, "%s: %s %s, restarting %s\n", s.Name, s.Image, strings.Join(changes, ", "), strings.Join(restart, ", "))
	}
	return restart, nil
}

// failure is the run's error, which fails the unit: the lines above say why.
func failure(p *pullplan.Plan, failed []string) error {
	if len(failed) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %s failed", p.Composition, strings.Join(failed, ", "))
}
