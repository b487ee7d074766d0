package main

import (
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/khepri-nix/khepri/proto/khepri/rpc"
)

// version is set at link time (-ldflags "-X main.version=0.1.0"); without it the
// module version from the build info is used.
var version = ""

type versionOptions struct{}

func newVersionCommand() *cobra.Command {
	var opts versionOptions
	return &cobra.Command{
		Use:   "version",
		Short: "Print the khepri version and the expander protocol version it speaks",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runVersion(opts, cmd.OutOrStdout())
		},
	}
}

func runVersion(_ versionOptions, stdout io.Writer) error {
	_, err := fmt.Fprintf(stdout, "khepri %s (expander protocol %d)\n", khepriVersion(), rpc.ProtocolVersion)
	return err
}

func khepriVersion() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "devel"
}
