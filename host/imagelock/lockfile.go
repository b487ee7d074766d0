// Package imagelock writes and checks the image lock (`khepri lock`): the JSON file
// that maps image references, as a configuration writes them, to the digests they
// resolved to in their registries, and, for images that Nix fetches, the hash of the
// docker archive `khepri fetch-image` writes of them. plugin/imagepin reads it.
package imagelock

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/khepri-nix/khepri/plugin/imagepin"
)

// Lock is the lock file. Its JSON is proto/khepri/v1's ImageLock message, which the
// plugin reads it as; encoding/json writes map keys sorted, so the same lock is the
// same bytes.
type Lock struct {
	Format int               `json:"format"`
	Images map[string]*Image `json:"images"`
}

// Image is what a reference resolved to.
type Image struct {
	// Digest is the manifest's: a multi-platform index's own digest, or the image's.
	Digest string `json:"digest"`
	// Platforms maps `os/arch[/variant]` to each platform's image.
	Platforms map[string]*Platform `json:"platforms"`
}

// Platform is one platform's image of a reference.
type Platform struct {
	Digest string `json:"digest"`
	// Archive is the SRI hash of the image's docker archive; empty unless asked for.
	Archive string `json:"archive,omitempty"`
}

// New returns an empty lock.
func New() *Lock {
	return &Lock{Format: imagepin.LockFormat, Images: map[string]*Image{}}
}

// Read reads a lock file; a missing file is an empty lock.
func Read(path string) (*Lock, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return New(), nil
	}
	if err != nil {
		return nil, err
	}
	l := &Lock{}
	if err := json.Unmarshal(data, l); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if l.Format != imagepin.LockFormat {
		return nil, fmt.Errorf("read %s: the lock has format %d, and this khepri reads format %d", path, l.Format, imagepin.LockFormat)
	}
	if l.Images == nil {
		l.Images = map[string]*Image{}
	}
	return l, nil
}

// Marshal renders the lock: indented, keys sorted, a trailing newline.
func (l *Lock) Marshal() ([]byte, error) {
	data, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// Archives lists the platforms of an image whose archive the lock records.
func (img *Image) Archives() []string {
	var ps []string
	for p, plat := range img.Platforms {
		if plat.Archive != "" {
			ps = append(ps, p)
		}
	}
	return ps
}
