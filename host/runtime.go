package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"os/user"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/khepri-nix/khepri/host/engine"
	"github.com/khepri-nix/khepri/host/systemd"
	"github.com/khepri-nix/khepri/proto/khepri/manifest"
)

// hostRuntime is what the commands that act on a running host (ps, logs, up, down,
// start, stop, restart, exec, config) reach outside the process through; the tests
// swap in host/engine.Fake and host/systemd.Fake.
type hostRuntime struct {
	// engine is a backend's engine as seen by a user (nil: this process).
	engine func(backend string, as *engine.User) engine.Engine
	// lookupUser reads a user's account, to run a rootless composition's podman as it.
	lookupUser func(name string) (*engine.User, error)
	systemd    func(ctx context.Context) (systemd.Manager, error)
	journal    systemd.Journal
	stdin      io.Reader
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
		engine: func(backend string, as *engine.User) engine.Engine {
			return engine.New(backend, as)
		},
		lookupUser: lookupUser,
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

// engineFor returns the engine a composition's containers live in, or an error when
// this user cannot reach it: root's podman is root's alone, and a rootless
// composition's is its user's, which root reaches by running podman as that user.
func (rt *hostRuntime) engineFor(m *manifest.Manifest, name string) (engine.Engine, error) {
	c := m.Compositions[name]
	euid := rt.euid()
	switch {
	case m.Backend != "podman":
		return rt.engine(m.Backend, nil), nil
	case c.User == "" && euid != 0:
		return nil, fmt.Errorf("composition %s runs on root's podman, which this user cannot see: run khepri with sudo", name)
	case c.User == "" || euid == int(c.UID):
		return rt.engine(m.Backend, nil), nil
	case euid != 0:
		return nil, fmt.Errorf("composition %s runs in %s's rootless podman, which this user cannot see: run khepri as %s, or with sudo", name, c.User, c.User)
	}
	u, err := rt.lookupUser(c.User)
	if err != nil {
		return nil, fmt.Errorf("composition %s runs in %s's rootless podman: %w", name, c.User, err)
	}
	return rt.engine(m.Backend, u), nil
}

// lookupUser reads an account from the system's user database.
func lookupUser(name string) (*engine.User, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return nil, err
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("user %s: uid %q: %w", name, u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("user %s: gid %q: %w", name, u.Gid, err)
	}
	return &engine.User{Name: name, UID: uint32(uid), GID: uint32(gid), Home: u.HomeDir}, nil
}

// containersOf lists the containers of compositions, each from the engine it lives in:
// one listing per engine.
func (rt *hostRuntime) containersOf(ctx context.Context, m *manifest.Manifest, names ...string) ([]engine.Container, error) {
	byOwner := map[string][]string{}
	for _, name := range names {
		owner := m.Compositions[name].User
		byOwner[owner] = append(byOwner[owner], name)
	}
	var all []engine.Container
	for _, owner := range slices.Sorted(maps.Keys(byOwner)) {
		group := byOwner[owner]
		eng, err := rt.engineFor(m, group[0])
		if err != nil {
			return nil, err
		}
		cs, err := eng.Containers(ctx, group...)
		if err != nil {
			return nil, err
		}
		all = append(all, cs...)
	}
	return all, nil
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
