package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/khepri-nix/khepri/host/imagelock"
	"github.com/khepri-nix/khepri/host/importer"
)

type importOptions struct {
	files            []string
	projectDir       string
	name             string
	envFiles         []string
	profiles         []string
	out              string
	expr             bool
	relative         bool
	allowUnsupported bool
	lock             string
}

func newImportCommand() *cobra.Command {
	var opts importOptions
	cmd := &cobra.Command{
		Use:   "import [-f FILE]... [--name NAME] [--env-file FILE]... [--profile P]... [-o OUT]",
		Short: "Write a docker-compose project as a khepri composition in Nix",
		Long: `Import loads a docker-compose project as docker compose does (several -f files merged,
include, extends, anchors, the project's .env or --env-file for interpolation, profiles)
and writes it as a khepri composition: a NixOS module setting
khepri.compositions.<project name>, or with --expr the composition's attribute set alone.

Only what the compose files say is written, in compose's form where khepri takes it.
env_file entries and secret files stay files, so no secret enters the output or the Nix
store. Every service is written, those of profiles that are not selected too, and the
composition's profiles are the selected ones (--profile, or $COMPOSE_PROFILES; * is every
profile the services declare), so that the services docker compose would run are the ones
khepri runs. Keys khepri rejects are listed one a line and fail the import, unless
--allow-unsupported writes them as comments instead; swarm-only deploy keys are written,
and khepri warns that they have no effect. Compose and environment files are read from
regular files of at most 4 MiB each.

--lock FILE pins the project's images in the image lock FILE (khepri.imageLock), as
khepri lock -f does, before anything is written; the lock's other images stay.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runImport(cmd.Context(), opts, imagelock.Registry{}, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&opts.files, "file", "f", nil, "compose file; repeat to merge several (default compose.yaml and the names docker compose looks for)")
	f.StringVar(&opts.projectDir, "project-directory", "", "project directory (default: the first file's directory)")
	f.StringVarP(&opts.name, "name", "p", "", "project name, the composition's name (default: name: in the files, or the directory)")
	f.StringArrayVar(&opts.envFiles, "env-file", nil, "environment file for interpolation, in place of the project's .env; repeatable")
	f.StringArrayVar(&opts.profiles, "profile", nil, "profile to select, written as the composition's profiles; repeatable (default $COMPOSE_PROFILES)")
	f.StringVarP(&opts.out, "output", "o", "", "write the Nix here instead of to stdout")
	f.BoolVar(&opts.expr, "expr", false, "write the composition's attribute set instead of a NixOS module")
	f.BoolVar(&opts.relative, "relative", false, "write host paths (env files, bind mounts) relative to the output's directory, as `toString ./path`")
	f.BoolVar(&opts.allowUnsupported, "allow-unsupported", false, "write keys khepri does not support as comments instead of failing")
	f.StringVar(&opts.lock, "lock", "", "also lock the project's images in this image lock file (see khepri lock)")
	return cmd
}

func runImport(ctx context.Context, opts importOptions, r imagelock.Resolver, stdout, stderr io.Writer) error {
	relativeTo := ""
	if opts.out != "" {
		relativeTo = filepath.Dir(opts.out)
	}
	imp := importer.Options{
		Files:            opts.files,
		ProjectDir:       opts.projectDir,
		Name:             opts.name,
		EnvFiles:         opts.envFiles,
		Profiles:         opts.profiles,
		Env:              os.Environ(),
		Expr:             opts.expr,
		Relative:         opts.relative,
		RelativeTo:       relativeTo,
		AllowUnsupported: opts.allowUnsupported,
	}
	res, err := importer.Import(ctx, imp)
	if err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	for _, f := range res.Findings {
		fmt.Fprintf(stderr, "warning: %s (written as a comment)\n", f)
	}
	if opts.lock != "" {
		if err := lockImported(ctx, r, imp, opts.lock, stderr); err != nil {
			return err
		}
	}
	if opts.out == "" {
		_, err = stdout.Write(res.Nix)
		return err
	}
	return writeFileAtomic(opts.out, res.Nix)
}

// lockImported adds the project's images to the image lock, keeping its others.
func lockImported(ctx context.Context, r imagelock.Resolver, opts importer.Options, path string, stderr io.Writer) error {
	images, err := importer.Images(ctx, opts)
	if err != nil {
		return err
	}
	old, err := imagelock.Read(path)
	if err != nil {
		return err
	}
	wants := make([]imagelock.Want, len(images))
	for i, image := range images {
		wants[i] = imagelock.Want{Image: image}
	}
	return writeLock(ctx, r, old, path, wants, imagelock.Options{}, stderr)
}
