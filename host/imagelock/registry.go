package imagelock

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/khepri-nix/khepri/plugin/imagepin"
)

// Registry reads images from their registries with go-containerregistry, with the
// credentials docker and podman keep (authn.DefaultKeychain: ~/.docker/config.json and
// its credential helpers, $REGISTRY_AUTH_FILE, podman's auth.json).
type Registry struct {
	// Transport replaces the default HTTP transport (tests).
	Transport http.RoundTripper
}

func (r Registry) options(ctx context.Context) []remote.Option {
	opts := []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain)}
	if r.Transport != nil {
		opts = append(opts, remote.WithTransport(r.Transport))
	}
	return opts
}

// Resolve reads the manifest a reference names: an index's digest and its platforms'
// images, or an image's digest and its one platform.
func (r Registry) Resolve(ctx context.Context, image string) (*Image, error) {
	ref, err := name.ParseReference(image)
	if err != nil {
		return nil, err
	}
	desc, err := remote.Get(ref, r.options(ctx)...)
	if err != nil {
		return nil, err
	}
	img := &Image{Digest: desc.Digest.String(), Platforms: map[string]*Platform{}}
	if desc.MediaType.IsIndex() {
		idx, err := desc.ImageIndex()
		if err != nil {
			return nil, err
		}
		m, err := idx.IndexManifest()
		if err != nil {
			return nil, err
		}
		for _, d := range m.Manifests {
			// Attestations and other artifacts are listed as unknown/unknown.
			if d.Platform == nil || d.Platform.OS == "unknown" || !d.MediaType.IsImage() {
				continue
			}
			p := platformKey(d.Platform)
			if _, dup := img.Platforms[p]; !dup {
				img.Platforms[p] = &Platform{Digest: d.Digest.String()}
			}
		}
		return img, nil
	}
	one, err := desc.Image()
	if err != nil {
		return nil, err
	}
	cfg, err := one.ConfigFile()
	if err != nil {
		return nil, err
	}
	img.Platforms[platformKey(cfg.Platform())] = &Platform{Digest: img.Digest}
	return img, nil
}

// platformKey names a platform as docker does, `os/arch[/variant]`; arm64's "v8" is
// its only variant, and left out as containerd's platform matching leaves it out.
func platformKey(p *v1.Platform) string {
	if p == nil {
		return "unknown"
	}
	key := p.OS + "/" + p.Architecture
	if p.Variant != "" && (p.Architecture != "arm64" || p.Variant != "v8") {
		key += "/" + p.Variant
	}
	return key
}

// WriteArchive writes the docker archive of one image, pulled by reference (with its
// digest) and tagged tag: config, layers as the registry serves them, manifest.json.
// The bytes depend on the image and the tag only (go-containerregistry's tarball
// writer sets no times or owners), so every machine writes the same archive.
func (r Registry) WriteArchive(ctx context.Context, reference, tag string, w io.Writer) error {
	ref, err := name.NewDigest(reference)
	if err != nil {
		return err
	}
	t, err := name.NewTag(tag)
	if err != nil {
		return err
	}
	img, err := remote.Image(ref, r.options(ctx)...)
	if err != nil {
		return err
	}
	return tarball.Write(t, img, w)
}

// ArchiveHash is the SRI hash of the archive Nix fetches of image (as written) at its
// platform image's digest: the output hash of its fixed-output derivation.
func (r Registry) ArchiveHash(ctx context.Context, image, digest string) (string, error) {
	a, err := imagepin.ArchiveOf(image, digest)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	if err := r.WriteArchive(ctx, a.Reference, a.Name, h); err != nil {
		return "", err
	}
	return "sha256-" + base64.StdEncoding.EncodeToString(h.Sum(nil)), nil
}

// oneLine puts a registry's error on one line after the image it concerns: registries
// answer with multi-line bodies, and a lock of many images reports one line each.
func oneLine(image string, err error) error {
	return fmt.Errorf("%s: %s", image, strings.Join(strings.Fields(err.Error()), " "))
}
