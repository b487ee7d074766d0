package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/khepri-nix/khepri/host/imagelock"
	"github.com/khepri-nix/khepri/host/importer"
)

type lockOptions struct {
	lock       string
	files      []string
	projectDir string
	envFiles   []string
	images     string
	archives   []string
	update     bool
	check      bool
	prune      bool
}

func newLockCommand() *cobra.Command {
	var opts lockOptions
	cmd := &cobra.Command{
		Use:   "lock [-f FILE]... [--images FILE|-] [--archive PLATFORM]... [--update [IMAGE]...] [--check]",
		Short: "Write the image lock: every image reference pinned to its digest",
		Long: `Lock resolves image references to the digests their registries serve now and writes
them to the lock file (--lock, atomically), for khepri.imageLock: every host built with
it runs exactly those images. The references come from a compose project (-f, read as
khepri import reads it), from a JSON list (--images, - for standard input):

  nix eval --json .#nixosConfigurations.HOST.config.khepri.images | khepri lock --images - --prune

or, given neither, from the lock itself. New images are resolved, locked ones keep
their digest, and the lock's other images stay (a lock can serve several compose
projects) unless --prune removes them: with khepri.images, the sources are the whole
configuration. --update resolves the named images again (all without names); --check
writes nothing and exits 1 when the lock differs from what the registries serve, lacks
an image of the sources, or (with --prune) holds one they do not use.

--archive PLATFORM (os/arch[/variant], such as linux/amd64) also records the hash of
each image's docker archive for that platform, which image fetch "nix" needs; the
images from khepri.images carry it where they need it. Hashing an archive downloads
the image. Credentials come from docker's and podman's stores (docker login).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLock(cmd.Context(), opts, args, imagelock.Registry{}, cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.lock, "lock", "khepri.lock.json", "the lock file to write or check")
	f.StringArrayVarP(&opts.files, "file", "f", nil, "compose file whose images to lock; repeat to merge several")
	f.StringVar(&opts.projectDir, "project-directory", "", "compose project directory (default: the first file's directory)")
	f.StringArrayVar(&opts.envFiles, "env-file", nil, "environment file for the compose files' interpolation; repeatable")
	f.StringVar(&opts.images, "images", "", "JSON list of image references (or {image, archive} objects) to lock, - for standard input")
	f.StringArrayVar(&opts.archives, "archive", nil, "record the images' archive hashes for this platform; repeatable")
	f.BoolVar(&opts.update, "update", false, "resolve the named images again, or every image without names")
	f.BoolVar(&opts.check, "check", false, "write nothing; exit 1 if the lock is stale")
	f.BoolVar(&opts.prune, "prune", false, "remove the images the sources do not name")
	return cmd
}

func runLock(ctx context.Context, opts lockOptions, args []string, r imagelock.Resolver, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && !opts.update {
		return fmt.Errorf("images given without --update: %s", strings.Join(args, " "))
	}
	if opts.update && opts.check {
		return errors.New("--update and --check exclude each other")
	}
	old, err := imagelock.Read(opts.lock)
	if err != nil {
		return err
	}
	wants, err := lockSources(ctx, opts, stdin)
	if err != nil {
		return err
	}
	if wants == nil && len(opts.archives) > 0 {
		wants = old.Wants()
	}
	for i := range wants {
		wants[i].Archives = append(wants[i].Archives, opts.archives...)
	}

	if opts.check {
		stale, err := imagelock.Check(ctx, r, old, wants, opts.prune && wants != nil)
		for _, s := range stale {
			fmt.Fprintf(stdout, "stale: %s\n", s)
		}
		if err != nil {
			return err
		}
		if len(stale) > 0 {
			return fmt.Errorf("%s is stale (the images above): run khepri lock --update with the same sources and flags", opts.lock)
		}
		return nil
	}

	refresh := func(string) bool { return opts.update }
	if len(args) > 0 {
		known := slices.Concat(wants, old.Wants())
		for _, a := range args {
			if !slices.ContainsFunc(known, func(w imagelock.Want) bool { return w.Image == a }) {
				return fmt.Errorf("--update %s: not an image of %s or of the sources", a, opts.lock)
			}
		}
		refresh = func(image string) bool { return slices.Contains(args, image) }
	}
	return writeLock(ctx, r, old, opts.lock, wants, imagelock.Options{Refresh: refresh, Prune: opts.prune && wants != nil}, stderr)
}

// writeLock updates the lock for wants, says what changed, and writes the lock file
// when its bytes change.
func writeLock(ctx context.Context, r imagelock.Resolver, old *imagelock.Lock, path string, wants []imagelock.Want, o imagelock.Options, stderr io.Writer) error {
	next, changes, err := imagelock.Update(ctx, r, old, wants, o)
	if err != nil {
		return err
	}
	for _, c := range changes {
		fmt.Fprintln(stderr, c)
	}
	data, err := next.Marshal()
	if err != nil {
		return err
	}
	if have, err := os.ReadFile(path); err == nil && bytes.Equal(have, data) {
		return nil
	}
	return writeFileAtomic(path, data)
}

// lockSources reads the images to lock from the compose files and the --images list;
// nil when neither is given.
func lockSources(ctx context.Context, opts lockOptions, stdin io.Reader) ([]imagelock.Want, error) {
	var wants []imagelock.Want
	if len(opts.files) > 0 {
		images, err := importer.Images(ctx, importer.Options{
			Files:      opts.files,
			ProjectDir: opts.projectDir,
			EnvFiles:   opts.envFiles,
			Env:        os.Environ(),
		})
		if err != nil {
			return nil, err
		}
		for _, image := range images {
			wants = append(wants, imagelock.Want{Image: image})
		}
	}
	if opts.images != "" {
		listed, err := readImageList(opts.images, stdin)
		if err != nil {
			return nil, err
		}
		wants = append(wants, listed...)
	}
	if wants == nil && (len(opts.files) > 0 || opts.images != "") {
		// Sources that name no image lock none.
		return []imagelock.Want{}, nil
	}
	return wants, nil
}

// imageListEntry is an element of --images: a reference, or an object as khepri.images
// lists them.
type imageListEntry struct {
	Image   string `json:"image"`
	Archive string `json:"archive"`
}

func (e *imageListEntry) UnmarshalJSON(data []byte) error {
	if len(data) > 0 && data[0] == '"' {
		return json.Unmarshal(data, &e.Image)
	}
	type plain imageListEntry
	return json.Unmarshal(data, (*plain)(e))
}

func readImageList(path string, stdin io.Reader) ([]imagelock.Want, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("read --images: %w", err)
	}
	var entries []imageListEntry
	if err := json.Unmarshal(data, &entries); err != nil {
		return nil, fmt.Errorf("read --images %s: a JSON list of image references or {\"image\": …, \"archive\": …} objects: %w", path, err)
	}
	wants := make([]imagelock.Want, 0, len(entries))
	for i, e := range entries {
		if e.Image == "" {
			return nil, fmt.Errorf("read --images %s: entry %d has no image", path, i)
		}
		w := imagelock.Want{Image: e.Image}
		if e.Archive != "" {
			w.Archives = []string{e.Archive}
		}
		wants = append(wants, w)
	}
	return wants, nil
}
