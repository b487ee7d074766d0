package imagelock

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"log"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/khepri-nix/khepri/plugin/imagepin"
)

// testRegistry is go-containerregistry's in-memory registry on 127.0.0.1, which
// go-containerregistry (and docker) reach over plain HTTP.
func testRegistry(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// image is a random image for a platform.
func image(t *testing.T, p v1.Platform) v1.Image {
	t.Helper()
	img, err := random.Image(512, 2)
	require.NoError(t, err)
	cfg, err := img.ConfigFile()
	require.NoError(t, err)
	cfg = cfg.DeepCopy()
	cfg.OS, cfg.Architecture, cfg.Variant = p.OS, p.Architecture, p.Variant
	img, err = mutate.ConfigFile(img, cfg)
	require.NoError(t, err)
	return img
}

func digestOf(t *testing.T, d interface{ Digest() (v1.Hash, error) }) string {
	t.Helper()
	h, err := d.Digest()
	require.NoError(t, err)
	return h.String()
}

func push(t *testing.T, ref string, img v1.Image) string {
	t.Helper()
	tag, err := name.NewTag(ref)
	require.NoError(t, err)
	require.NoError(t, remote.Write(tag, img))
	return digestOf(t, img)
}

var (
	amd64 = v1.Platform{OS: "linux", Architecture: "amd64"}
	arm64 = v1.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}
	armv7 = v1.Platform{OS: "linux", Architecture: "arm", Variant: "v7"}
)

// pushIndex pushes a multi-platform index of one image per platform, with an
// attestation manifest as buildkit adds them, and returns the index's and the images'
// digests.
func pushIndex(t *testing.T, ref string, platforms ...v1.Platform) (string, map[string]string) {
	t.Helper()
	idx := v1.ImageIndex(empty.Index)
	digests := map[string]string{}
	for _, p := range platforms {
		img := image(t, p)
		digests[platformKey(&p)] = digestOf(t, img)
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &p}})
	}
	attestation := image(t, v1.Platform{OS: "unknown", Architecture: "unknown"})
	idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: attestation, Descriptor: v1.Descriptor{
		Platform: &v1.Platform{OS: "unknown", Architecture: "unknown"},
	}})
	idx = mutate.IndexMediaType(idx, types.OCIImageIndex)
	tag, err := name.NewTag(ref)
	require.NoError(t, err)
	require.NoError(t, remote.WriteIndex(tag, idx))
	return digestOf(t, idx), digests
}

func always(string) bool { return true }

func TestUpdateLocksSingleAndMultiPlatformImages(t *testing.T) {
	reg := testRegistry(t)
	single := push(t, reg+"/khepri/app:1", image(t, amd64))
	index, perPlatform := pushIndex(t, reg+"/khepri/multi:1", amd64, arm64, armv7)

	lock, changes, err := Update(context.Background(), Registry{}, New(), []Want{
		{Image: reg + "/khepri/multi:1"}, {Image: reg + "/khepri/app:1"}, {Image: reg + "/khepri/app:1"},
	}, Options{})
	require.NoError(t, err)
	assert.Equal(t, map[string]*Image{
		reg + "/khepri/app:1": {Digest: single, Platforms: map[string]*Platform{"linux/amd64": {Digest: single}}},
		// The index runs by its own digest; the attestation is no platform.
		reg + "/khepri/multi:1": {Digest: index, Platforms: map[string]*Platform{
			"linux/amd64":  {Digest: perPlatform["linux/amd64"]},
			"linux/arm64":  {Digest: perPlatform["linux/arm64"]},
			"linux/arm/v7": {Digest: perPlatform["linux/arm/v7"]},
		}},
	}, lock.Images)
	assert.Equal(t, []Change{
		{Image: reg + "/khepri/app:1", New: single},
		{Image: reg + "/khepri/multi:1", New: index},
	}, changes)
}

func TestUpdateKeepsLockedDigestsUntilRefreshed(t *testing.T) {
	reg := testRegistry(t)
	ref := reg + "/khepri/app:1"
	first := push(t, ref, image(t, amd64))
	ctx := context.Background()
	lock, _, err := Update(ctx, Registry{}, New(), []Want{{Image: ref}}, Options{})
	require.NoError(t, err)

	second := push(t, ref, image(t, amd64))
	require.NotEqual(t, first, second)
	kept, changes, err := Update(ctx, Registry{}, lock, nil, Options{})
	require.NoError(t, err)
	assert.Equal(t, first, kept.Images[ref].Digest, "an entry is not resolved again unless refreshed")
	assert.Empty(t, changes)

	updated, changes, err := Update(ctx, Registry{}, lock, nil, Options{Refresh: always})
	require.NoError(t, err)
	assert.Equal(t, second, updated.Images[ref].Digest)
	assert.Equal(t, []Change{{Image: ref, Old: first, New: second}}, changes)
	assert.Equal(t, first, lock.Images[ref].Digest, "the old lock is not changed in place")
}

func TestUpdatePrunesImagesNoLongerWanted(t *testing.T) {
	reg := testRegistry(t)
	a := push(t, reg+"/khepri/a:1", image(t, amd64))
	push(t, reg+"/khepri/b:1", image(t, amd64))
	ctx := context.Background()
	lock, _, err := Update(ctx, Registry{}, New(), []Want{{Image: reg + "/khepri/a:1"}, {Image: reg + "/khepri/b:1"}}, Options{})
	require.NoError(t, err)
	b := lock.Images[reg+"/khepri/b:1"].Digest

	kept, changes, err := Update(ctx, Registry{}, lock, []Want{{Image: reg + "/khepri/a:1"}}, Options{})
	require.NoError(t, err)
	assert.Equal(t, lock, kept, "without Prune, a lock keeps the images of other sources")
	assert.Empty(t, changes)

	next, changes, err := Update(ctx, Registry{}, lock, []Want{{Image: reg + "/khepri/a:1"}}, Options{Prune: true})
	require.NoError(t, err)
	assert.Equal(t, []string{reg + "/khepri/a:1"}, slices.Sorted(maps.Keys(next.Images)))
	assert.Equal(t, a, next.Images[reg+"/khepri/a:1"].Digest)
	assert.Equal(t, []Change{{Image: reg + "/khepri/b:1", Old: b}}, changes)
	assert.Equal(t, "removed "+reg+"/khepri/b:1 (no longer used)", changes[0].String())
}

func TestRegistryErrorsAreOneLineNamingTheImage(t *testing.T) {
	reg := testRegistry(t)
	push(t, reg+"/khepri/app:1", image(t, amd64))
	// A registry that wants credentials nobody has.
	denied := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("WWW-Authenticate", `Basic realm="khepri test"`)
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required",`+"\n"+`"detail":null}]}`)
	}))
	t.Cleanup(denied.Close)
	private := strings.TrimPrefix(denied.URL, "http://") + "/khepri/private:1"

	lock := New()
	got, _, err := Update(context.Background(), Registry{}, lock, []Want{
		{Image: reg + "/khepri/app:1"}, {Image: reg + "/khepri/app:missing"}, {Image: private},
	}, Options{})
	require.Error(t, err)
	assert.Nil(t, got, "no lock is returned, so none is written half updated")
	// One line per image, in the order of the references (here of the two ports).
	lines := strings.Split(err.Error(), "\n")
	require.Len(t, lines, 2, err.Error())
	if strings.HasPrefix(lines[0], private) {
		lines[0], lines[1] = lines[1], lines[0]
	}
	assert.Regexp(t, `^`+reg+`/khepri/app:missing: .*MANIFEST_UNKNOWN`, lines[0])
	assert.Regexp(t, `^`+private+`: .*(401|UNAUTHORIZED)`, lines[1])
}

func TestCheckNamesStaleEntries(t *testing.T) {
	reg := testRegistry(t)
	ctx := context.Background()
	app, multi := reg+"/khepri/app:1", reg+"/khepri/multi:1"
	first := push(t, app, image(t, amd64))
	pushIndex(t, multi, amd64, arm64)
	lock, _, err := Update(ctx, Registry{}, New(), []Want{{Image: app}, {Image: multi}}, Options{})
	require.NoError(t, err)

	stale, err := Check(ctx, Registry{}, lock, nil, false)
	require.NoError(t, err)
	assert.Empty(t, stale, "a lock just written is current")

	second := push(t, app, image(t, amd64))
	stale, err = Check(ctx, Registry{}, lock, nil, false)
	require.NoError(t, err)
	assert.Equal(t, []Stale{{app, "locked at " + first + ", the registry has " + second}}, stale)

	wants := []Want{{Image: multi, Archives: []string{"linux/amd64"}}, {Image: reg + "/khepri/new:1"}}
	stale, err = Check(ctx, Registry{}, lock, wants, false)
	require.NoError(t, err)
	assert.Equal(t, []string{
		app + ": locked at " + first + ", the registry has " + second,
		multi + ": no archive for linux/amd64",
		reg + "/khepri/new:1: not in the lock",
	}, strs(stale))
	stale, err = Check(ctx, Registry{}, lock, wants, true)
	require.NoError(t, err)
	assert.Equal(t, []string{
		multi + ": no archive for linux/amd64",
		reg + "/khepri/new:1: not in the lock",
		app + ": no longer used",
	}, strs(stale))
}

func strs(ss []Stale) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.String())
	}
	return out
}

func TestArchivesAreTheSameBytesEveryTime(t *testing.T) {
	reg := testRegistry(t)
	ctx := context.Background()
	ref := reg + "/khepri/multi:1"
	_, perPlatform := pushIndex(t, ref, amd64, arm64)
	lock, _, err := Update(ctx, Registry{}, New(), []Want{{Image: ref, Archives: []string{"linux/arm64"}}}, Options{})
	require.NoError(t, err)
	plat := lock.Images[ref].Platforms["linux/arm64"]
	assert.Empty(t, lock.Images[ref].Platforms["linux/amd64"].Archive, "only the platform asked for")

	a, err := imagepin.ArchiveOf(ref, perPlatform["linux/arm64"])
	require.NoError(t, err)
	var one, two bytes.Buffer
	require.NoError(t, Registry{}.WriteArchive(ctx, a.Reference, a.Name, &one))
	require.NoError(t, Registry{}.WriteArchive(ctx, a.Reference, a.Name, &two))
	assert.Equal(t, one.Bytes(), two.Bytes())
	sum := sha256.Sum256(one.Bytes())
	assert.Equal(t, "sha256-"+base64.StdEncoding.EncodeToString(sum[:]), plat.Archive, "the lock records the archive's hash")

	// The archive is the platform's image, tagged with the name the container runs.
	path := filepath.Join(t.TempDir(), "image.tar")
	require.NoError(t, os.WriteFile(path, one.Bytes(), 0o644))
	tag, err := name.NewTag(a.Name)
	require.NoError(t, err)
	img, err := tarball.ImageFromPath(path, &tag)
	require.NoError(t, err)
	manifest, err := tarball.LoadManifest(func() (io.ReadCloser, error) { return os.Open(path) })
	require.NoError(t, err)
	assert.Equal(t, []string{a.Name}, manifest[0].RepoTags)
	layers, err := img.Layers()
	require.NoError(t, err)
	assert.Len(t, layers, 2)

	// Refreshed at the same digest, the archive is kept, not hashed again; a new
	// platform image hashes it again.
	same, _, err := Update(ctx, failingArchives{Registry{}}, lock, nil, Options{Refresh: always})
	require.NoError(t, err)
	assert.Equal(t, plat.Archive, same.Images[ref].Platforms["linux/arm64"].Archive)
	pushIndex(t, ref, amd64, arm64)
	changed, _, err := Update(ctx, Registry{}, lock, nil, Options{Refresh: always})
	require.NoError(t, err)
	assert.NotEqual(t, plat.Archive, changed.Images[ref].Platforms["linux/arm64"].Archive)
	assert.NotEmpty(t, changed.Images[ref].Platforms["linux/arm64"].Archive, "a recorded archive stays recorded")

	_, _, err = Update(ctx, Registry{}, lock, []Want{{Image: ref, Archives: []string{"linux/s390x"}}}, Options{})
	assert.EqualError(t, err, ref+": no image for platform linux/s390x; it has linux/amd64, linux/arm64")
}

// failingArchives fails any archive hashing: what must not happen.
type failingArchives struct{ Registry }

func (failingArchives) ArchiveHash(context.Context, string, string) (string, error) {
	return "", assert.AnError
}

func TestLockFileIsStableBytes(t *testing.T) {
	l := New()
	l.Images["redis:7"] = &Image{Digest: "sha256:b", Platforms: map[string]*Platform{"linux/arm64": {Digest: "sha256:d"}, "linux/amd64": {Digest: "sha256:c", Archive: "sha256-x"}}}
	l.Images["alpine"] = &Image{Digest: "sha256:a", Platforms: map[string]*Platform{"linux/amd64": {Digest: "sha256:a"}}}
	data, err := l.Marshal()
	require.NoError(t, err)
	assert.Equal(t, `{
  "format": 1,
  "images": {
    "alpine": {
      "digest": "sha256:a",
      "platforms": {
        "linux/amd64": {
          "digest": "sha256:a"
        }
      }
    },
    "redis:7": {
      "digest": "sha256:b",
      "platforms": {
        "linux/amd64": {
          "digest": "sha256:c",
          "archive": "sha256-x"
        },
        "linux/arm64": {
          "digest": "sha256:d"
        }
      }
    }
  }
}
`, string(data))

	path := filepath.Join(t.TempDir(), "khepri.lock.json")
	missing, err := Read(path)
	require.NoError(t, err)
	assert.Equal(t, New(), missing, "a missing lock is an empty one")
	require.NoError(t, os.WriteFile(path, data, 0o644))
	back, err := Read(path)
	require.NoError(t, err)
	assert.Equal(t, l, back)

	require.NoError(t, os.WriteFile(path, []byte(`{"format": 2, "images": {}}`), 0o644))
	_, err = Read(path)
	assert.EqualError(t, err, "read "+path+": the lock has format 2, and this khepri reads format 1")
}
