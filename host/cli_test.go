package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/spf13/cobra"

	"github.com/khepri-nix/khepri/host/engine"
	"github.com/khepri-nix/khepri/host/systemd"
)

var updateScripts = flag.Bool("update", false, "rewrite the expected output of testdata/cli scripts")

// TestCLI runs the scripts of testdata/cli: `khepri ...` is the command for a running
// host, run in-process against host/engine.Fake (the script's engine.json) and
// host/systemd.Fake (its systemd.json, which also records the jobs). The clock reads
// 2026-03-01T12:00:00Z; FAKE_TERMINAL=1 makes stdout a terminal and FAKE_EUID sets
// the user (root by default).
func TestCLI(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/cli",
		// -update rewrites the scripts' expected files (cmp's second file) with what
		// the command printed; read the diff before committing it.
		UpdateScripts: *updateScripts,
		// Every script starts with the manifest the plugin writes for the paperless
		// request (TestManifestFixturesAreThePluginsOwn checks that it is), unless it
		// brings its own.
		Setup: func(env *testscript.Env) error {
			path := filepath.Join(env.WorkDir, "manifest.json")
			if _, err := os.Stat(path); err == nil {
				return nil
			}
			data, err := os.ReadFile("testdata/paperless.manifest.json")
			if err != nil {
				return err
			}
			return os.WriteFile(path, data, 0o644)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"khepri": runScriptKhepri,
		},
	})
}

func runScriptKhepri(ts *testscript.TestScript, neg bool, args []string) {
	// The in-process command does not run in $WORK; its files are named from there.
	args = append([]string{}, args...)
	for i := range args {
		if args[i] == "--manifest" && i+1 < len(args) {
			args[i+1] = ts.MkAbs(args[i+1])
		}
	}
	fake := &systemd.Fake{Path: ts.MkAbs("systemd.json")}
	started := time.Now()
	rt := &hostRuntime{
		// A rootless composition's engine is its user's: engine-<user>.json.
		engine: func(_ string, as *engine.User) engine.Engine {
			if as != nil {
				return &engine.Fake{Path: ts.MkAbs("engine-" + as.Name + ".json")}
			}
			return &engine.Fake{Path: ts.MkAbs("engine.json")}
		},
		lookupUser: func(name string) (*engine.User, error) {
			if name != "alice" {
				return nil, user.UnknownUserError(name)
			}
			return &engine.User{Name: name, UID: 1500, GID: 100, Home: "/home/alice"}, nil
		},
		systemd:  func(context.Context) (systemd.Manager, error) { return fake, nil },
		journal:  fake,
		stdin:    strings.NewReader(""),
		terminal: func(any) bool { return ts.Getenv("FAKE_TERMINAL") == "1" },
		// A fixed date, so that ages print the same; it advances with real time, so that
		// the waits' deadlines pass.
		now: func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).Add(time.Since(started)) },
		euid: func() int {
			var id int
			if _, err := fmt.Sscan(ts.Getenv("FAKE_EUID"), &id); err != nil {
				return 0
			}
			return id
		},
		getenv: ts.Getenv,
		poll:   10 * time.Millisecond,
	}
	root := &cobra.Command{Use: "khepri", SilenceErrors: true, SilenceUsage: true}
	root.AddCommand(hostCommands(rt)...)
	root.SetArgs(args)
	root.SetOut(ts.Stdout())
	root.SetErr(ts.Stderr())
	err := root.Execute()

	var exit *engine.ExitError
	switch {
	case errors.As(err, &exit):
		fmt.Fprintf(ts.Stderr(), "[exit status %d]\n", exit.Code)
	case err != nil:
		fmt.Fprintf(ts.Stderr(), "khepri: %v\n", err)
	}
	if neg && err == nil {
		ts.Fatalf("khepri %s: unexpected success", strings.Join(args, " "))
	}
	if !neg && err != nil {
		ts.Fatalf("khepri %s: %v", strings.Join(args, " "), err)
	}
}
