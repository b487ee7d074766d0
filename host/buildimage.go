package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"

	"github.com/spf13/cobra"

	"github.com/khepri-nix/khepri/host/imagebuild"
)

func newBuildImageCommand() *cobra.Command {
	var b imagebuild.Build
	cmd := &cobra.Command{
		Use:   "build-image --engine ENGINE --tag TAG --service C/S (--file F | --inline TEXT) -- FLAGS... CONTEXT",
		Short: "Build a service's image when its content-derived tag is missing (a build unit's command)",
		Long: `build-image is the command of a composition's build unit. The tag is derived from
everything the build reads, so an image under it is the one the configuration asks
for: build-image does nothing when it exists. Otherwise it runs the engine's build
with the flags after --, the context last, and on failure ends with the build's last
lines. After a build it removes the names of the service's earlier images (found by
their khepri.build label), unless --keep-old.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if b.Engine != "docker" && b.Engine != "podman" {
				return fmt.Errorf("--engine %q: want docker or podman", b.Engine)
			}
			if (b.Dockerfile == "") == (b.Inline == "") {
				return fmt.Errorf("give the Dockerfile as one of --file and --inline")
			}
			b.Args = args
			return imagebuild.Run(cmd.Context(), b, execEngine{}, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&b.Engine, "engine", "", "docker or podman")
	f.StringVar(&b.Tag, "tag", "", "the content-derived tag the containers run")
	f.StringArrayVar(&b.Also, "also", nil, "a further name of the image; repeatable")
	f.StringVar(&b.Service, "service", "", "<composition>/<service>: the khepri.build label of its images")
	f.StringVar(&b.Dockerfile, "file", "", "the Dockerfile")
	f.StringVar(&b.Inline, "inline", "", "the Dockerfile's text")
	f.BoolVar(&b.BuildKit, "buildkit", false, "build with docker's BuildKit (DOCKER_BUILDKIT=1)")
	f.BoolVar(&b.KeepOld, "keep-old", false, "keep the service's earlier images")
	for _, name := range []string{"engine", "tag", "service"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

// execEngine runs the engine's command line from PATH, which the unit sets.
type execEngine struct{}

func (execEngine) Run(ctx context.Context, env []string, out io.Writer, argv ...string) error {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = out, out
	return cmd.Run()
}

func (execEngine) Output(ctx context.Context, argv ...string) ([]byte, error) {
	return exec.CommandContext(ctx, argv[0], argv[1:]...).Output()
}
