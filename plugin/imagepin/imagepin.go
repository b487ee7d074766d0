// Package imagepin makes a container run the image its lock names (khepri.imageLock,
// written by `khepri lock`): by digest from the registry, or from a docker archive that
// Nix fetches by digest into the store. The names it gives such an archive are shared
// with `khepri lock` and `khepri fetch-image`, which write the archive, so that the
// lock's hash and the container's image agree.
package imagepin

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/distribution/reference"

	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// LockFormat is the version of the lock file's layout this khepri reads and writes.
const LockFormat = 1

// The ways a locked image reaches the host (image_fetch).
const (
	// Registry pulls the image by digest when the container starts (the default).
	Registry = "registry"
	// Nix fetches a docker archive of the image into the Nix store while the system
	// is built; the container loads it and never pulls.
	Nix = "nix"
)

// ValidFetch checks an image_fetch value ("" leaves it to the enclosing level).
func ValidFetch(f string) error {
	switch f {
	case "", Registry, Nix:
		return nil
	}
	return fmt.Errorf("invalid image fetch %q; allowed: %q (pull by digest) or %q (load from the Nix store)", f, Registry, Nix)
}

// Policy is the host's image settings: its lock, whether every image must be locked,
// and the platform its containers run on.
type Policy struct {
	Lock *khepriv1.ImageLock
	// Require makes an unlocked image reference an error.
	Require bool
	// Platform is `os/arch[/variant]`, which picks a multi-platform image's archive.
	Platform string
}

// Pinned is what a container runs.
type Pinned struct {
	// Image is the container's image: the reference with the locked digest, or the
	// name of the archive it loads.
	Image string
	// Fetch is set when Nix fetches the image (Nix).
	Fetch *khepriv1.ImageFetch
}

var (
	digestRe  = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
	archiveRe = regexp.MustCompile(`^sha256-[A-Za-z0-9+/]{43}=$`)
)

// Pin applies the policy to an image reference (already a valid reference) fetched as
// fetch says. A reference that carries a digest is pinned already and stays as written;
// a locked one runs as `ref@digest`, its tag kept for people to read (docker and
// podman accept both and pull by the digest).
func (p *Policy) Pin(image, fetch string) (Pinned, error) {
	entry := p.Lock.GetImages()[image]
	if fetch == Nix {
		return p.archive(image, entry)
	}
	digested := hasDigest(image)
	switch {
	case entry == nil && p.Require && !digested:
		return Pinned{}, fmt.Errorf("image %q is not in the image lock (khepri.imageLock), and khepri.requireLockedImages is set: lock it with `khepri lock`, or give it a digest (%s@sha256:…)", image, image)
	case entry == nil || digested:
		return Pinned{Image: image}, nil
	case !digestRe.MatchString(entry.GetDigest()):
		return Pinned{}, fmt.Errorf("the image lock (khepri.imageLock) gives %q the invalid digest %q; a digest is sha256: and 64 lowercase hex digits: run `khepri lock --update %s`", image, entry.GetDigest(), image)
	}
	return Pinned{Image: image + "@" + entry.GetDigest()}, nil
}

// archive pins an image to the docker archive of its platform's image that Nix fetches.
func (p *Policy) archive(image string, entry *khepriv1.LockedImage) (Pinned, error) {
	lockCmd := fmt.Sprintf("`khepri lock --archive %s`", p.Platform)
	if entry == nil {
		return Pinned{}, fmt.Errorf("image fetch %q loads a locked image from the Nix store, and %q is not in the image lock (khepri.imageLock): lock it with %s", Nix, image, lockCmd)
	}
	plat := entry.GetPlatforms()[p.Platform]
	if plat.GetArchive() == "" {
		return Pinned{}, fmt.Errorf("image fetch %q loads the image from the Nix store, and the image lock (khepri.imageLock) has no archive of %q for %s: run %s with %s among its images", Nix, image, p.Platform, lockCmd, image)
	}
	if !digestRe.MatchString(plat.GetDigest()) || !archiveRe.MatchString(plat.GetArchive()) {
		return Pinned{}, fmt.Errorf("the image lock (khepri.imageLock) gives %q for %s the invalid digest %q or archive hash %q: run `khepri lock --update %s`", image, p.Platform, plat.GetDigest(), plat.GetArchive(), image)
	}
	a, err := ArchiveOf(image, plat.GetDigest())
	if err != nil {
		return Pinned{}, err
	}
	return Pinned{Image: a.Name, Fetch: &khepriv1.ImageFetch{
		Reference: a.Reference,
		Name:      a.Name,
		Hash:      plat.GetArchive(),
		StoreName: a.StoreName,
	}}, nil
}

// hasDigest says whether a reference names its content: `name@digest`, or an image ID.
func hasDigest(image string) bool {
	ref, err := reference.ParseAnyReference(image)
	if err != nil {
		return false
	}
	_, ok := ref.(reference.Digested)
	return ok
}

// Archive names the docker archive of one platform image of a reference.
type Archive struct {
	// Reference pulls the image: the repository with the image's digest.
	Reference string
	// Name is the `repository:tag` the archive tags the image with, and the container
	// runs: the reference's tag followed by the digest's first 12 hex digits, so that
	// another image of the same tag loaded or pulled on the host is never the one run.
	Name string
	// StoreName is the Nix store name of the fixed-output derivation holding it.
	StoreName string
}

// maxTag is the longest tag docker accepts.
const maxTag = 128

// ArchiveOf names the archive of image (a reference as written) at the digest of its
// platform image.
func ArchiveOf(image, digest string) (Archive, error) {
	if !digestRe.MatchString(digest) {
		return Archive{}, fmt.Errorf("invalid digest %q for %q; a digest is sha256: and 64 lowercase hex digits", digest, image)
	}
	ref, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return Archive{}, fmt.Errorf("image %q cannot be fetched by name: %v", image, err)
	}
	short := strings.TrimPrefix(digest, "sha256:")[:12]
	tag := short
	if t, ok := ref.(reference.Tagged); ok {
		tag = t.Tag()[:min(len(t.Tag()), maxTag-len(short)-1)] + "-" + short
	} else if _, ok := ref.(reference.Digested); !ok {
		tag = "latest-" + short
	}
	repo := ref.Name()
	base := repo[strings.LastIndex(repo, "/")+1:]
	return Archive{
		Reference: repo + "@" + digest,
		Name:      repo + ":" + tag,
		// A repository's name and a tag use only characters that Nix allows in store
		// names, as nixpkgs' dockerTools.pullImage names its archive.
		StoreName: "docker-image-" + base + "-" + tag + ".tar",
	}, nil
}
