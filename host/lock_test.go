package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log"
	"maps"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/khepri-nix/khepri/host/imagelock"
	"github.com/khepri-nix/khepri/plugin/imagepin"
)

// lockRegistry starts go-containerregistry's in-memory registry on 127.0.0.1 and
// returns a function that pushes a new random linux/amd64 image to a tag there.
func lockRegistry(t *testing.T) (string, func(tag string) string) {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	return host, func(ref string) string {
		img, err := random.Image(256, 1)
		require.NoError(t, err)
		img, err = mutate.ConfigFile(img, &v1.ConfigFile{OS: "linux", Architecture: "amd64"})
		require.NoError(t, err)
		tag, err := name.NewTag(ref)
		require.NoError(t, err)
		require.NoError(t, remote.Write(tag, img))
		d, err := img.Digest()
		require.NoError(t, err)
		return d.String()
	}
}

type lockRun struct {
	stdout, stderr string
	err            error
}

func runLockCmd(t *testing.T, opts lockOptions, stdin string, args ...string) lockRun {
	t.Helper()
	var out, errOut bytes.Buffer
	err := runLock(context.Background(), opts, args, imagelock.Registry{}, strings.NewReader(stdin), &out, &errOut)
	return lockRun{out.String(), errOut.String(), err}
}

func readLock(t *testing.T, path string) *imagelock.Lock {
	t.Helper()
	l, err := imagelock.Read(path)
	require.NoError(t, err)
	return l
}

func TestLockFromComposeCheckAndUpdate(t *testing.T) {
	reg, push := lockRegistry(t)
	app, db := reg+"/khepri/app:1", reg+"/khepri/db:15"
	appDigest, dbDigest := push(app), push(db)
	dir := t.TempDir()
	compose := filepath.Join(dir, "compose.yaml")
	require.NoError(t, os.WriteFile(compose, []byte("services:\n  web:\n    image: "+app+"\n  db:\n    image: "+db+"\n  again:\n    image: "+app+"\n"), 0o644))
	opts := lockOptions{lock: filepath.Join(dir, "khepri.lock.json"), files: []string{compose}}

	run := runLockCmd(t, opts, "")
	require.NoError(t, run.err)
	assert.Equal(t, "locked "+app+" at "+appDigest+"\nlocked "+db+" at "+dbDigest+"\n", run.stderr)
	lock := readLock(t, opts.lock)
	assert.Equal(t, appDigest, lock.Images[app].Digest)
	assert.Equal(t, dbDigest, lock.Images[db].Digest)
	written, err := os.ReadFile(opts.lock)
	require.NoError(t, err)

	check := opts
	check.check = true
	require.NoError(t, runLockCmd(t, check, "").err, "a lock just written is current")

	// The tag moves on: the lock keeps the old digest, and --check says so.
	newApp := push(app)
	require.NoError(t, runLockCmd(t, opts, "").err)
	again, err := os.ReadFile(opts.lock)
	require.NoError(t, err)
	assert.Equal(t, string(written), string(again), "locking again changes nothing")
	run = runLockCmd(t, check, "")
	require.EqualError(t, run.err, opts.lock+" is stale (the images above): run khepri lock --update with the same sources and flags")
	assert.Equal(t, "stale: "+app+": locked at "+appDigest+", the registry has "+newApp+"\n", run.stdout)

	update := opts
	update.update = true
	assert.EqualError(t, runLockCmd(t, update, "", reg+"/khepri/other:1").err, "--update "+reg+"/khepri/other:1: not an image of "+opts.lock+" or of the sources")
	run = runLockCmd(t, update, "", app)
	require.NoError(t, run.err)
	assert.Equal(t, "updated "+app+": "+appDigest+" -> "+newApp+"\n", run.stderr)
	assert.Equal(t, newApp, readLock(t, opts.lock).Images[app].Digest)
	require.NoError(t, runLockCmd(t, check, "").err)
}

func TestLockFromImageListWithArchives(t *testing.T) {
	reg, push := lockRegistry(t)
	app, tool := reg+"/khepri/app:1", reg+"/khepri/tool:2"
	appDigest := push(app)
	push(tool)
	dir := t.TempDir()
	opts := lockOptions{lock: filepath.Join(dir, "khepri.lock.json"), images: "-"}
	// What `nix eval --json …config.khepri.images` prints.
	list, err := json.Marshal([]map[string]string{{"image": app, "archive": "linux/amd64"}, {"image": tool}})
	require.NoError(t, err)

	require.NoError(t, runLockCmd(t, opts, string(list)).err)
	lock := readLock(t, opts.lock)
	archive := lock.Images[app].Platforms["linux/amd64"].Archive
	assert.Regexp(t, `^sha256-[A-Za-z0-9+/]{43}=$`, archive)
	assert.Empty(t, lock.Images[tool].Platforms["linux/amd64"].Archive)

	// khepri fetch-image, the derivation's builder, writes the bytes of that hash.
	a, err := imagepin.ArchiveOf(app, appDigest)
	require.NoError(t, err)
	for range 2 {
		out := filepath.Join(dir, "archive.tar")
		require.NoError(t, runFetchImage(context.Background(), fetchImageOptions{name: a.Name, out: out}, a.Reference, imagelock.Registry{}))
		data, err := os.ReadFile(out)
		require.NoError(t, err)
		sum := sha256.Sum256(data)
		assert.Equal(t, archive, "sha256-"+base64.StdEncoding.EncodeToString(sum[:]))
	}

	// A bare list of references is read too; without --prune tool stays, with it tool
	// is dropped; the recorded archive is kept.
	require.NoError(t, runLockCmd(t, opts, `["`+app+`"]`).err)
	assert.ElementsMatch(t, []string{app, tool}, slices.Sorted(maps.Keys(readLock(t, opts.lock).Images)))
	opts.prune = true
	run := runLockCmd(t, opts, `["`+app+`"]`)
	require.NoError(t, run.err)
	assert.Equal(t, "removed "+tool+" (no longer used)\n", run.stderr)
	lock = readLock(t, opts.lock)
	assert.Equal(t, []string{app}, slices.Sorted(maps.Keys(lock.Images)))
	assert.Equal(t, archive, lock.Images[app].Platforms["linux/amd64"].Archive)

	assert.ErrorContains(t, runLockCmd(t, opts, `{"image": "x"}`).err, "read --images -: a JSON list of image references")
}

func TestLockWritesNothingOnARegistryError(t *testing.T) {
	reg, push := lockRegistry(t)
	push(reg + "/khepri/app:1")
	dir := t.TempDir()
	opts := lockOptions{lock: filepath.Join(dir, "khepri.lock.json"), images: "-"}
	run := runLockCmd(t, opts, `["`+reg+`/khepri/app:1", "`+reg+`/khepri/app:gone"]`)
	assert.Regexp(t, `^`+reg+`/khepri/app:gone: GET http://\S+: MANIFEST_UNKNOWN: Unknown manifest$`, run.err.Error())
	_, err := os.Stat(opts.lock)
	assert.ErrorIs(t, err, os.ErrNotExist)

	assert.EqualError(t, runLockCmd(t, lockOptions{lock: opts.lock}, "", "redis:7").err, "images given without --update: redis:7")
}

func TestImportLocksTheProjectsImages(t *testing.T) {
	reg, push := lockRegistry(t)
	app, other := reg+"/khepri/app:1", reg+"/khepri/other:1"
	appDigest := push(app)
	push(other)
	dir := t.TempDir()
	compose := filepath.Join(dir, "compose.yaml")
	require.NoError(t, os.WriteFile(compose, []byte("name: shop\nservices:\n  web:\n    image: "+app+"\n"), 0o644))
	lockFile, out := filepath.Join(dir, "khepri.lock.json"), filepath.Join(dir, "shop.nix")
	// Another project's image, already locked, stays.
	require.NoError(t, runLockCmd(t, lockOptions{lock: lockFile, images: "-"}, `["`+other+`"]`).err)

	var stdout, stderr bytes.Buffer
	opts := importOptions{files: []string{compose}, out: out, lock: lockFile}
	require.NoError(t, runImport(context.Background(), opts, imagelock.Registry{}, &stdout, &stderr))
	assert.Equal(t, "locked "+app+" at "+appDigest+"\n", stderr.String())
	assert.ElementsMatch(t, []string{app, other}, slices.Sorted(maps.Keys(readLock(t, lockFile).Images)))
	nix, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(nix), `image = "`+app+`";`)

	// A registry error writes neither the lock nor the Nix.
	require.NoError(t, os.WriteFile(compose, []byte("name: shop\nservices:\n  web:\n    image: "+reg+"/khepri/app:gone\n"), 0o644))
	require.NoError(t, os.Remove(out))
	err = runImport(context.Background(), opts, imagelock.Registry{}, &stdout, &stderr)
	assert.ErrorContains(t, err, reg+"/khepri/app:gone: GET ")
	_, statErr := os.Stat(out)
	assert.ErrorIs(t, statErr, os.ErrNotExist)
	assert.ElementsMatch(t, []string{app, other}, slices.Sorted(maps.Keys(readLock(t, lockFile).Images)))
}
