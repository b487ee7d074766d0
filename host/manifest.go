package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/khepri-nix/khepri/host/internal/readlimit"
	"github.com/khepri-nix/khepri/proto/khepri/manifest"
)

// errNoManifest is returned by readManifest when there is no manifest file.
var errNoManifest = errors.New("no manifest")

// maxManifestSize bounds the manifest readManifest reads. A manifest takes about half a
// KiB per container, so 8 MiB is some fifteen thousand containers; a larger file is not
// a manifest (--manifest /dev/zero) and is refused before it can exhaust memory.
const maxManifestSize = 8 * readlimit.MiB

// readManifest reads and checks the manifest at path. A canceled ctx abandons the read.
func readManifest(ctx context.Context, path string) (*manifest.Manifest, error) {
	data, err := readlimit.File(ctx, "manifest", path, maxManifestSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w at %s: is khepri.cli.enable set and the configuration switched to? (--manifest reads another file)", errNoManifest, path)
	}
	var tooLarge *readlimit.TooLargeError
	if errors.As(err, &tooLarge) || ctx.Err() != nil {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	m, err := manifest.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("manifest %s: %w", path, err)
	}
	return m, nil
}
