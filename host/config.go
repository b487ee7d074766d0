package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"
)

type configOptions struct {
	manifest string
}

// newConfigCommand takes the runtime like its siblings, though the manifest is all it reads.
func newConfigCommand(_ *hostRuntime) *cobra.Command {
	var opts configOptions
	cmd := &cobra.Command{
		Use:   "config [COMPOSITION]",
		Short: "Print the manifest of the compositions, or of one, as the expansion made it",
		Long: `Config prints the manifest (JSON, in a fixed key order): every composition's target, units,
networks and volumes, and each service's container, unit, image, ports, networks and
mounts, as the running system's expansion made them.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runConfig(cmd.Context(), opts, args, cmd.OutOrStdout())
		},
	}
	addManifestFlag(cmd, &opts.manifest)
	return cmd
}

func runConfig(ctx context.Context, opts configOptions, args []string, stdout io.Writer) error {
	m, err := readManifest(ctx, opts.manifest)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		data, err := m.Marshal()
		if err != nil {
			return err
		}
		_, err = stdout.Write(data)
		return err
	}
	c, err := m.Composition(args[0])
	if err != nil {
		return err
	}
	data, err := c.Marshal()
	if err != nil {
		return err
	}
	_, err = stdout.Write(data)
	return err
}
