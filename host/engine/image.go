package engine

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/distribution/reference"
)

// Digest is how people tell the image apart: its registry digest under the repository
// of ref (the digest `docker pull` prints and an image lock pins), or its ID when it
// has none there (an image built or loaded on this host).
func (i Image) Digest(ref string) string {
	if d, ok := i.repoDigest(ref); ok {
		return d
	}
	return i.ID
}

// repoDigest is the image's registry digest under ref's repository, or the digest ref
// names when the image has it under any repository. Podman gives an image every digest
// it was pulled or loaded as under each of its repositories, so the first under ref's
// need not be the one the container was started from; and it may run `repo@digest`
// from an image it has by that digest under another repository, adding no name in
// repo.
func (i Image) repoDigest(ref string) (string, bool) {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return "", false
	}
	pinned, isPinned := named.(reference.Canonical)
	var first string
	for _, rd := range i.RepoDigests {
		d, err := reference.ParseNormalizedNamed(rd)
		c, ok := d.(reference.Canonical)
		switch {
		case err != nil || !ok:
		case isPinned && pinned.Digest() == c.Digest():
			return c.Digest().String(), true
		case d.Name() == named.Name():
			first = cmp.Or(first, c.Digest().String())
		}
	}
	return first, first != ""
}

// Digests names an image and the one that replaced it under ref alike: by their
// registry digests under ref's repository when both have one, by their IDs otherwise.
// Podman forgets an image's digests in a repository once no tag there names it, and
// an ID set against a registry digest would read as one more change.
func Digests(ref string, old, now Image) (string, string) {
	o, ok1 := old.repoDigest(ref)
	n, ok2 := now.repoDigest(ref)
	if ok1 && ok2 {
		return o, n
	}
	return old.ID, now.ID
}

// ShortDigest is a digest's first 12 hex digits, as docker shortens image IDs.
func ShortDigest(d string) string {
	_, hex, ok := strings.Cut(d, ":")
	if !ok {
		hex = d
	}
	if len(hex) > 12 {
		hex = hex[:12]
	}
	return hex
}

// imageID writes an image ID as docker does: podman leaves out the algorithm.
func imageID(id string) string {
	if id == "" || strings.Contains(id, ":") {
		return id
	}
	return "sha256:" + id
}

// Images implements Engine.
func (c *CLI) Images(ctx context.Context, names ...string) (map[string]Image, error) {
	names = slices.Compact(slices.Sorted(slices.Values(names)))
	out := map[string]Image{}
	if len(names) == 0 {
		return out, nil
	}
	// One inspection of them all; the engines answer in the order asked, and fail the
	// whole call when one is missing, which then asks for each on its own.
	if all, err := c.inspectImages(ctx, names...); err == nil && len(all) == len(names) {
		for i, n := range names {
			out[n] = all[i]
		}
		return out, nil
	}
	for _, n := range names {
		one, err := c.inspectImages(ctx, n)
		switch {
		case err != nil && isNoSuchImage(err):
			continue
		case err != nil:
			return nil, err
		case len(one) == 1:
			out[n] = one[0]
		}
	}
	return out, nil
}

func (c *CLI) inspectImages(ctx context.Context, names ...string) ([]Image, error) {
	data, err := c.output(ctx, append([]string{"image", "inspect", "--"}, names...)...)
	if err != nil {
		return nil, err
	}
	var raw []struct {
		ID          string   `json:"Id"`
		RepoDigests []string `json:"RepoDigests"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("read the engine's image inspect output: %w", err)
	}
	images := make([]Image, len(raw))
	for i, r := range raw {
		images[i] = Image{ID: imageID(r.ID)}
		if len(r.RepoDigests) > 0 {
			images[i].RepoDigests = r.RepoDigests
		}
	}
	return images, nil
}

// isNoSuchImage tells a missing image from a failing engine: docker says "No such
// image", podman "image not known".
func isNoSuchImage(err error) bool {
	low := strings.ToLower(err.Error())
	return strings.Contains(low, "no such image") || strings.Contains(low, "image not known")
}

// Pull pulls an image by its reference, as the engine's `pull` does; the error ends
// with the engine's last line.
func (c *CLI) Pull(ctx context.Context, ref string) error {
	_, err := c.output(ctx, "pull", "--quiet", "--", ref)
	return err
}
