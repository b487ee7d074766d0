package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/khepri-nix/khepri/host/engine"
	"github.com/khepri-nix/khepri/host/pull"
	"github.com/khepri-nix/khepri/proto/khepri/pullplan"
)

type pullImagesOptions struct {
	plan  string
	state string
	now   bool
}

// pullImagesDeps are what pull-images reaches outside the process through; tests give
// fakes.
type pullImagesDeps struct {
	engine     func(backend string, as *engine.User) pull.Engine
	lookupUser func(name string) (*engine.User, error)
	units      pull.Units
	now        func() time.Time
}

func newPullImagesCommand() *cobra.Command {
	var opts pullImagesOptions
	cmd := &cobra.Command{
		Use:   "pull-images --plan PLAN --state FILE [--now]",
		Short: "Pull a composition's scheduled images and restart the containers whose image changed (a pull unit's command)",
		Long: `Pull-images is the command of a composition's pull unit, which a timer starts. For
each service of the plan whose interval has passed since its last pull (compose's
pull_policy daily, weekly, every_<duration> or refresh), it pulls the image, compares
the image each of the service's containers runs with the one the reference names now,
and restarts the units of those that differ, in one systemctl call, so that systemd
restarts them in dependency order with the units bound to them. It prints a line per
service, and fails when a pull or the restart failed, after doing the rest. --state is
a JSON file of the last pulls (a missing file: none); --now pulls every image.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPullImages(cmd.Context(), opts, cmd.OutOrStdout(), pullImagesDeps{
				engine: func(backend string, as *engine.User) pull.Engine {
					return engine.New(backend, as)
				},
				lookupUser: lookupUser,
				units:      pull.Systemctl{},
				now:        time.Now,
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.plan, "plan", "", "the composition's pull plan, as JSON (proto/khepri/pullplan)")
	f.StringVar(&opts.state, "state", "", "the file that records the last pulls, written atomically")
	f.BoolVar(&opts.now, "now", false, "pull every image, whatever its interval")
	_ = cmd.MarkFlagRequired("plan")
	_ = cmd.MarkFlagRequired("state")
	return cmd
}

func runPullImages(ctx context.Context, opts pullImagesOptions, stdout io.Writer, deps pullImagesDeps) error {
	p, err := pullplan.Parse([]byte(opts.plan))
	if err != nil {
		return err
	}
	var as *engine.User
	if p.User != "" {
		if as, err = deps.lookupUser(p.User); err != nil {
			return fmt.Errorf("composition %s runs in %s's rootless podman: %w", p.Composition, p.User, err)
		}
		// The plan was made for the uid the configuration declared.
		if as.UID != p.UID {
			return fmt.Errorf("composition %s runs in %s's rootless podman as uid %d, and %s has uid %d", p.Composition, p.User, p.UID, p.User, as.UID)
		}
	}
	prev, err := pull.ReadState(opts.state)
	if err != nil {
		return err
	}
	next, runErr := pull.Run(ctx, p, prev, pull.Options{Now: deps.now(), Force: opts.now}, deps.engine(p.Backend, as), deps.units, stdout)
	// What went well is recorded even when something failed.
	data, err := next.Marshal()
	if err == nil {
		err = os.MkdirAll(filepath.Dir(opts.state), 0o755)
	}
	if err == nil {
		err = writeFileAtomic(opts.state, data)
	}
	return errors.Join(runErr, err)
}
