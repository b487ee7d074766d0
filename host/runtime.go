package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/khepri-nix/khepri/host/engine"
	"github.com/khepri-nix/khepri/host/manifest"
	"github.com/khepri-nix/khepri/host/systemd"
)

// hostRuntime is what the commands that act on a running host (ps, logs, up, down,
// start, stop, restart, exec, config) reach outside the process through; the tests
// swap in host/engine.Fake and host/systemd.Fake.
type hostRuntime struct {
	engine  func(backend string) engine.Engine
	systemd func(ctx context.Context) (systemd.Manager, error)
	journal systemd.Journal
	stdin   io.Reader
	// terminal tells whether a stream is a terminal: colour, progress and exec -t.
	terminal func(f any) bool
	now      func() time.Time
	euid     func() int
	getenv   func(string) string
	// poll is how often waits look at the units and containers again.
	poll time.Duration
}

func newHostRuntime() *hostRuntime {
	return &hostRuntime{
		engine: func(backend string) engine.Engine { return engine.New(backend) },
		systemd: func(ctx context.Context) (systemd.Manager, error) {
			return systemd.Connect(ctx)
		},
		journal:  systemd.Journalctl{},
		stdin:    os.Stdin,
		terminal: isTerminal,
		now:      time.Now,
		euid:     os.Geteuid,
		getenv:   os.Getenv,
		poll:     500 * time.Millisecond,
	}
}

func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && (isatty.IsTerminal(file.Fd()) || isatty.IsCygwinTerminal(file.Fd()))
}

// hostCommands are the subcommands for a running host.
func hostCommands(rt *hostRuntime) []*cobra.Command {
	return []*cobra.Command{
		newPsCommand(rt),
		newLogsCommand(rt),
		newUpCommand(rt),
		newDownCommand(rt),
		newStartCommand(rt),
		newStopCommand(rt),
		newRestartCommand(rt),
		newExecCommand(rt),
		newConfigCommand(rt),
	}
}

func addManifestFlag(cmd *cobra.Command, path *string) {
	cmd.Flags().StringVar(path, "manifest", manifest.DefaultPath, "the manifest of the host's compositions, as khepri.cli writes it")
}

// engineFor returns the manifest's engine, or an error when this user would see
// another engine's containers than the host's.
func (rt *hostRuntime) engineFor(m *manifest.Manifest) (engine.Engine, error) {
	// oci-containers runs podman containers as root; a user's podman is another,
	// rootless store, in which khepri's containers do not exist.
	if m.Backend == "podman" && rt.euid() != 0 {
		return nil, fmt.Errorf("the compositions run on root's podman, which this user cannot see: run khepri with sudo")
	}
	return rt.engine(m.Backend), nil
}

// selectServices resolves COMPOSITION [SERVICE...] arguments.
func selectServices(m *manifest.Manifest, args []string) ([]manifest.Selected, manifest.Composition, error) {
	if len(args) == 0 {
		return nil, manifest.Composition{}, fmt.Errorf("name a composition; known: %s", strings.Join(m.CompositionNames(), ", "))
	}
	c, err := m.Composition(args[0])
	if err != nil {
		return nil, c, err
	}
	sel, err := m.Select(args[0], args[1:])
	return sel, c, err
}

// findContainer picks a service's container among the engine's: by the compose
// labels, preferring the manifest's name when an older container carries them too. A
// scaled service's replicas all carry the same labels, so a replica is found by its
// name only.
func findContainer(cs []engine.Container, s manifest.Selected) (engine.Container, bool) {
	var found engine.Container
	ok := false
	for _, c := range cs {
		if c.Project != s.Composition || c.Service != s.Name {
			continue
		}
		if c.Name == s.Container {
			return c, true
		}
		if !ok && !s.Scaled() {
			found, ok = c, true
		}
	}
	return found, ok
}
