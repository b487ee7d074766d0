//go:build engine

package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/registry"

	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// pinRegistry is go-containerregistry's in-memory registry, served by the test on
// 127.0.0.1, which docker treats as an insecure registry (plain HTTP) by default: no
// registry image is pulled.
func pinRegistry(t *testing.T) (host string, stop func()) {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://"), srv.Close
}

// pushAs pushes a local image to ref and returns the local image's ID.
func pushAs(t *testing.T, local, ref string) string {
	t.Helper()
	docker(t, "tag", local, ref)
	docker(t, "push", "-q", ref)
	return docker(t, "image", "inspect", "--format", "{{.Id}}", local)
}

// otherProbe is the probe image with a label more: the same program, another image.
func otherProbe(t *testing.T, name string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM "+probeImage+"\nLABEL khepri.test="+name+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tag := "khepri-test/" + name + ":2"
	docker(t, "build", "-q", "-t", tag, dir)
	t.Cleanup(func() { _, _ = dockerErr("rmi", "-f", tag) })
	return tag
}

// dropLocal removes every local tag and digest of the registry's copies, so that only
// the registry or an archive can provide the image again.
func dropLocal(t *testing.T, repo string) {
	t.Helper()
	refs := docker(t, "image", "ls", "--digests", "--format", "{{.Repository}} {{.Tag}} {{.Digest}}", repo)
	for _, line := range strings.Split(refs, "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		if f[1] != "<none>" {
			_, _ = dockerErr("rmi", f[0]+":"+f[1])
		}
		if f[2] != "<none>" {
			_, _ = dockerErr("rmi", f[0]+"@"+f[2])
		}
	}
}

// khepriLock runs the khepri command's lock with the image list on its stdin.
func khepriLock(t *testing.T, lockFile string, images []map[string]string, args ...string) (string, error) {
	t.Helper()
	list, err := json.Marshal(images)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(binDir, "khepri"), append([]string{"lock", "--lock", lockFile, "--images", "-"}, args...)...)
	cmd.Stdin = bytes.NewReader(list)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// lockSettings are the request's settings for the lock file's content as
// khepri.imageLock and image fetch fetch.
func lockSettings(t *testing.T, lockFile, fetch string) map[string]any {
	t.Helper()
	lock, err := os.ReadFile(lockFile)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]any{"imageLock": json.RawMessage(lock), "imagePlatform": "linux/amd64", "imageFetch": fetch}
}

// oneService is a composition of one service, app, of the image.
func oneService(t *testing.T, image string) string {
	return mustJSON(t, map[string]any{"services": map[string]any{"app": map[string]string{"image": image}}})
}

// TestPinnedImageRunsTheLockedDigest: a tag locked, then moved on in the registry; the
// pinned host still pulls and runs the locked image, and khepri lock --check reports
// the change.
func TestPinnedImageRunsTheLockedDigest(t *testing.T) {
	reg, _ := pinRegistry(t)
	pinnedImage(t, dockerRegistryHost(), reg)
}

// On podman, root's and a rootless user's: podman pulls `repo:tag@digest` by the
// digest.
func TestPodmanPinnedImage(t *testing.T) {
	forPodmanOwners(t, func(t *testing.T, h *podmanHost, owner string) {
		reg, _ := pinRegistry(t)
		pinnedImage(t, podmanRegistryHost(t, h, owner, reg), reg)
	})
}

func pinnedImage(t *testing.T, host registryHost, reg string) {
	name := host.uniqueName(t)
	repo := reg + "/khepri-test/" + name
	ref := repo + ":pinned"
	t.Cleanup(func() { dropLocal(t, repo); host.dropLocal(t, repo) })
	locked := pushAs(t, probeImage, ref)
	lockFile := filepath.Join(t.TempDir(), "khepri.lock.json")
	if out, err := khepriLock(t, lockFile, []map[string]string{{"image": ref}}); err != nil {
		t.Fatalf("khepri lock: %v: %s", err, out)
	}

	s := host.expand(t, name, oneService(t, ref), lockSettings(t, lockFile, "registry"))
	image := s.resp.GetContainers()[s.ctr("app")].GetImage()
	if !strings.HasPrefix(image, ref+"@sha256:") {
		t.Fatalf("the container runs %s, not the locked digest of %s", image, ref)
	}
	// The tag now names another image, and the host has neither.
	moved := pushAs(t, otherProbe(t, name), ref)
	dropLocal(t, repo)
	host.dropLocal(t, repo)
	s.start()
	host.serving(t, s.ctr("app"))
	if got := host.imageID(t, "container", s.ctr("app")); got != locked {
		t.Errorf("the pinned container runs image %s; the locked one is %s (the tag's new one %s)", got, locked, moved)
	}
	// khepri ps names the image by the digest the lock pins.
	if row, digest := ps(t, s, host.env)["app"], image[strings.LastIndex(image, "@")+1:]; row["digest"] != digest || row["pulledDigest"] != "" {
		t.Errorf("khepri ps shows the pinned container as %v; want the locked digest %s and no newer one", row, digest)
	}

	out, err := khepriLock(t, lockFile, []map[string]string{{"image": ref}}, "--check")
	if err == nil || !strings.Contains(out, "stale: "+ref+": locked at ") {
		t.Errorf("khepri lock --check after the tag moved: %v: %s", err, out)
	}
}

// TestNixFetchedImageRunsWithoutTheRegistry: with image fetch "nix", Nix builds the
// fixed-output derivation (khepri fetch-image from the registry on 127.0.0.1) against
// the hash khepri lock recorded, and the container loads it and starts with the
// registry gone.
func TestNixFetchedImageRunsWithoutTheRegistry(t *testing.T) {
	reg, stopRegistry := pinRegistry(t)
	nixFetchedImage(t, dockerRegistryHost(), reg, stopRegistry)
}

// On podman, root's and a rootless user's: podman loads the docker archive under the
// name the expansion runs.
func TestPodmanNixFetchedImage(t *testing.T) {
	forPodmanOwners(t, func(t *testing.T, h *podmanHost, owner string) {
		reg, stopRegistry := pinRegistry(t)
		nixFetchedImage(t, podmanRegistryHost(t, h, owner, reg), reg, stopRegistry)
	})
}

func nixFetchedImage(t *testing.T, host registryHost, reg string, stopRegistry func()) {
	if _, err := exec.LookPath("nix-build"); err != nil {
		t.Skip("nix-build is not installed: the image is fetched by a Nix derivation")
	}
	name := host.uniqueName(t)
	repo := reg + "/khepri-test/" + name
	ref := repo + ":offline"
	t.Cleanup(func() { dropLocal(t, repo); host.dropLocal(t, repo) })
	locked := pushAs(t, probeImage, ref)
	lockFile := filepath.Join(t.TempDir(), "khepri.lock.json")
	if out, err := khepriLock(t, lockFile, []map[string]string{{"image": ref, "archive": "linux/amd64"}}); err != nil {
		t.Fatalf("khepri lock: %v: %s", err, out)
	}

	s := host.expand(t, name, oneService(t, ref), lockSettings(t, lockFile, "nix"))
	ctr := s.resp.GetContainers()[s.ctr("app")]
	fetch := s.resp.GetImageFetches()[s.ctr("app")]
	if fetch == nil {
		t.Fatalf("no image fetch for %s in the expansion", s.ctr("app"))
	}
	ctr.ImageFile = nixFetch(t, fetch)

	stopRegistry()
	dropLocal(t, repo)
	host.dropLocal(t, repo)
	s.start()
	host.serving(t, s.ctr("app"))
	if got := host.imageID(t, "container", s.ctr("app")); got != locked {
		t.Errorf("the container runs image %s; the locked one is %s", got, locked)
	}
}

// nixFetch builds the image's fixed-output derivation as nixlib/expand.nix makes it,
// and returns its output; the path is deleted before and after, so Nix fetches it.
func nixFetch(t *testing.T, f *khepriv1.ImageFetch) string {
	t.Helper()
	pkg := filepath.Join(t.TempDir(), "khepri")
	if err := os.MkdirAll(filepath.Join(pkg, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	self, err := os.ReadFile(filepath.Join(binDir, "khepri"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pkg, "bin", "khepri"), self, 0o755); err != nil {
		t.Fatal(err)
	}
	expr := fmt.Sprintf(`import %s/nixlib/image-fetch.nix {
		khepri = builtins.path { path = %q; name = "khepri"; };
		system = builtins.currentSystem;
	} (builtins.fromJSON %q)`, moduleRoot, pkg, mustJSON(t, map[string]string{
		"reference": f.GetReference(), "name": f.GetName(), "hash": f.GetHash(), "storeName": f.GetStoreName(),
	}))
	outPath := strings.TrimSpace(nix(t, "nix-instantiate", "--eval", "--expr", "(("+expr+").outPath)"))
	outPath = strings.Trim(outPath, `"`)
	deleteStorePath(outPath)
	t.Cleanup(func() { deleteStorePath(outPath) })
	built := strings.TrimSpace(nix(t, "nix-build", "--no-out-link", "--expr", expr))
	if built != outPath {
		t.Fatalf("nix-build gave %s, evaluation %s", built, outPath)
	}
	return built
}

func nix(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(args[0], append(args[1:], "--option", "substituters", "")...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

func deleteStorePath(p string) {
	_ = exec.Command("nix-store", "--delete", p).Run()
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
