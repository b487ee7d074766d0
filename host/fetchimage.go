package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/khepri-nix/khepri/host/imagelock"
)

type fetchImageOptions struct {
	name string
	out  string
}

func newFetchImageCommand() *cobra.Command {
	var opts fetchImageOptions
	cmd := &cobra.Command{
		Use:   "fetch-image REPOSITORY@DIGEST --name NAME:TAG --out FILE",
		Short: "Write an image, pulled by digest, as a docker archive (the builder of image fetch \"nix\")",
		Long: `Fetch-image pulls one image by its digest and writes it to --out (atomically) as a
docker archive that docker load and podman load read, tagged --name. It is the builder
of the fixed-output derivation that image fetch "nix" makes of a locked image: the
archive's bytes depend on the image and the name alone, so its hash, which khepri lock
--archive records, is the same on every machine.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runFetchImage(cmd.Context(), opts, args[0], imagelock.Registry{})
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.name, "name", "", "the name:tag the archive gives the image")
	f.StringVar(&opts.out, "out", "", "the archive to write")
	_ = cmd.MarkFlagRequired("name")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

func runFetchImage(ctx context.Context, opts fetchImageOptions, reference string, reg imagelock.Registry) error {
	return writeAtomic(opts.out, func(w io.Writer) error {
		return reg.WriteArchive(ctx, reference, opts.name, w)
	})
}
