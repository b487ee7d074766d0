package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/khepri-nix/khepri/host/engine"
)

type execOptions struct {
	manifest string
	noTTY    bool
	index    int
}

func newExecCommand(rt *hostRuntime) *cobra.Command {
	var opts execOptions
	cmd := &cobra.Command{
		Use:   "exec COMPOSITION SERVICE -- CMD...",
		Short: "Run a command in a service's running container",
		Long: `Exec runs a command in the service's container, with the engine's exec: its
stdin, stdout and stderr are khepri's, with a terminal when stdin and stdout are
terminals (-T turns it off). khepri exits with the command's status. In a scaled
service it runs in the first replica, as docker compose does; --index N picks another.`,
		Args: func(cmd *cobra.Command, args []string) error {
			dash := cmd.ArgsLenAtDash()
			if dash != 2 || len(args) < 3 {
				return fmt.Errorf("usage: khepri exec COMPOSITION SERVICE -- CMD...")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExec(cmd.Context(), rt, opts, args, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	addManifestFlag(cmd, &opts.manifest)
	cmd.Flags().BoolVarP(&opts.noTTY, "no-tty", "T", false, "no terminal, even when stdin is one")
	cmd.Flags().IntVar(&opts.index, "index", 1, "the replica of a scaled service, from 1")
	return cmd
}

func runExec(ctx context.Context, rt *hostRuntime, opts execOptions, args []string, stdout, stderr io.Writer) error {
	m, err := readManifest(ctx, opts.manifest)
	if err != nil {
		return err
	}
	sel, _, err := selectServices(m, args[:2])
	if err != nil {
		return err
	}
	if opts.index < 1 || opts.index > len(sel) {
		return fmt.Errorf("--index %d: service %s of composition %s has %s", opts.index, sel[0].Name, sel[0].Composition, replicaCount(len(sel)))
	}
	s := sel[opts.index-1]
	eng, err := rt.engineFor(m, s.Composition)
	if err != nil {
		return err
	}
	containers, err := eng.Containers(ctx, s.Composition)
	if err != nil {
		return err
	}
	c, ok := engine.Find(containers, s)
	if !ok || c.State != "running" {
		state := "no container"
		if ok {
			state = "container " + c.State
		}
		return fmt.Errorf("service %s of composition %s is not running (%s): start it with khepri up %s %s", s.Label(), s.Composition, state, s.Composition, s.Name)
	}
	tty := !opts.noTTY && rt.terminal(rt.stdin) && rt.terminal(stdout)
	return eng.Exec(ctx, c.Name, args[2:], engine.ExecOptions{TTY: tty, Stdin: rt.stdin, Stdout: stdout, Stderr: stderr})
}

// replicaCount says how many containers a service has: "1 container", "3 containers (--index 1 to 3)".
func replicaCount(n int) string {
	if n == 1 {
		return "1 container"
	}
	return fmt.Sprintf("%d containers (--index 1 to %d)", n, n)
}
