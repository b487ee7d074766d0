package imagelock

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Resolver reads what the lock records from registries; Registry is the real one.
type Resolver interface {
	Resolve(ctx context.Context, image string) (*Image, error)
	ArchiveHash(ctx context.Context, image, digest string) (string, error)
}

// Want is an image reference to lock, and the platforms whose archive the lock must
// record (for image fetch "nix").
type Want struct {
	Image    string
	Archives []string
}

// Change is one entry of the lock that an update added, changed or removed.
type Change struct {
	Image string
	// Old and New are the digests before and after; empty when added or removed.
	Old, New string
}

func (c Change) String() string {
	switch {
	case c.Old == "":
		return fmt.Sprintf("locked %s at %s", c.Image, c.New)
	case c.New == "":
		return fmt.Sprintf("removed %s (no longer used)", c.Image)
	}
	return fmt.Sprintf("updated %s: %s -> %s", c.Image, c.Old, c.New)
}

// Options say which entries Update resolves again and which it keeps.
type Options struct {
	// Refresh says which locked images to resolve again; nil resolves none.
	Refresh func(image string) bool
	// Prune drops the locked images that the wants do not name (the wants are every
	// image of a configuration); otherwise they are kept, as a lock can serve several
	// compose projects.
	Prune bool
}

// Update returns the lock for wants and the lock's own images (only for wants, with
// Prune). An image the old lock has keeps its entry unless Refresh says to resolve it
// again; new images are resolved. Archives are hashed where asked for or recorded
// before, unless the lock has the platform's image at the same digest already. Every
// error is reported, one line per image, and then no lock is returned: a lock is never
// written half updated.
func Update(ctx context.Context, r Resolver, old *Lock, wants []Want, opts Options) (*Lock, []Change, error) {
	if !opts.Prune {
		wants = slices.Concat(wants, old.Wants())
	}
	refresh := opts.Refresh
	if refresh == nil {
		refresh = func(string) bool { return false }
	}
	next := New()
	var changes []Change
	var errs []error
	for _, w := range merge(wants) {
		prev := old.Images[w.Image]
		img := prev
		if prev == nil || refresh(w.Image) {
			got, err := r.Resolve(ctx, w.Image)
			if err != nil {
				errs = append(errs, oneLine(w.Image, err))
				continue
			}
			img = keepArchives(got, prev)
		} else {
			img = clone(prev)
		}
		// An archive once recorded stays: a host may fetch the image with Nix.
		if prev != nil {
			w.Archives = slices.Concat(w.Archives, prev.Archives())
		}
		if err := archives(ctx, r, w, img); err != nil {
			errs = append(errs, err)
			continue
		}
		next.Images[w.Image] = img
		switch {
		case prev == nil:
			changes = append(changes, Change{Image: w.Image, New: img.Digest})
		case prev.Digest != img.Digest:
			changes = append(changes, Change{Image: w.Image, Old: prev.Digest, New: img.Digest})
		}
	}
	if len(errs) > 0 {
		return nil, nil, errors.Join(errs...)
	}
	for _, image := range slices.Sorted(maps.Keys(old.Images)) {
		if _, kept := next.Images[image]; !kept {
			changes = append(changes, Change{Image: image, Old: old.Images[image].Digest})
		}
	}
	return next, changes, nil
}

// Stale is an entry of the lock that is not what Update would write now.
type Stale struct {
	Image  string
	Reason string
}

func (s Stale) String() string { return s.Image + ": " + s.Reason }

// Check resolves every wanted image and the lock's own, and lists the entries that
// differ from the registry, are missing or lack an archive; with prune, it checks the
// wants only, and lists the lock's other images as no longer used. Archives are not
// hashed again: an archive is determined by its image's digest.
func Check(ctx context.Context, r Resolver, lock *Lock, wants []Want, prune bool) ([]Stale, error) {
	if !prune {
		wants = slices.Concat(wants, lock.Wants())
	}
	var stale []Stale
	var errs []error
	wanted := map[string]bool{}
	for _, w := range merge(wants) {
		wanted[w.Image] = true
		have := lock.Images[w.Image]
		if have == nil {
			stale = append(stale, Stale{w.Image, "not in the lock"})
			continue
		}
		got, err := r.Resolve(ctx, w.Image)
		if err != nil {
			errs = append(errs, oneLine(w.Image, err))
			continue
		}
		if got.Digest != have.Digest {
			stale = append(stale, Stale{w.Image, fmt.Sprintf("locked at %s, the registry has %s", have.Digest, got.Digest)})
			continue
		}
		for _, p := range w.Archives {
			if have.Platforms[p].archive() == "" {
				stale = append(stale, Stale{w.Image, "no archive for " + p})
			}
		}
	}
	for _, image := range slices.Sorted(maps.Keys(lock.Images)) {
		if !wanted[image] {
			stale = append(stale, Stale{image, "no longer used"})
		}
	}
	return stale, errors.Join(errs...)
}

func (p *Platform) archive() string {
	if p == nil {
		return ""
	}
	return p.Archive
}

// archives hashes the archives w asks for, and those img had, that img lacks.
func archives(ctx context.Context, r Resolver, w Want, img *Image) error {
	for _, p := range slices.Compact(slices.Sorted(slices.Values(w.Archives))) {
		plat := img.Platforms[p]
		if plat == nil {
			return fmt.Errorf("%s: no image for platform %s; it has %s", w.Image, p, strings.Join(slices.Sorted(maps.Keys(img.Platforms)), ", "))
		}
		if plat.Archive != "" {
			continue
		}
		hash, err := r.ArchiveHash(ctx, w.Image, plat.Digest)
		if err != nil {
			return oneLine(w.Image, err)
		}
		plat.Archive = hash
	}
	return nil
}

// keepArchives carries over the archives of platforms whose image did not change.
func keepArchives(img, prev *Image) *Image {
	if prev == nil {
		return img
	}
	for p, plat := range img.Platforms {
		if old := prev.Platforms[p]; old != nil && old.Digest == plat.Digest {
			plat.Archive = old.Archive
		}
	}
	return img
}

// Wants asks for the lock's images again, with the archives it records.
func (l *Lock) Wants() []Want {
	var wants []Want
	for image, img := range l.Images {
		wants = append(wants, Want{Image: image, Archives: img.Archives()})
	}
	return wants
}

// merge sorts the wants by image, one entry per image with every archive asked for.
func merge(wants []Want) []Want {
	byImage := map[string]map[string]bool{}
	for _, w := range wants {
		if byImage[w.Image] == nil {
			byImage[w.Image] = map[string]bool{}
		}
		for _, p := range w.Archives {
			byImage[w.Image][p] = true
		}
	}
	var out []Want
	for _, image := range slices.Sorted(maps.Keys(byImage)) {
		out = append(out, Want{Image: image, Archives: slices.Sorted(maps.Keys(byImage[image]))})
	}
	return out
}

func clone(img *Image) *Image {
	c := &Image{Digest: img.Digest, Platforms: map[string]*Platform{}}
	for p, plat := range img.Platforms {
		cp := *plat
		c.Platforms[p] = &cp
	}
	return c
}
