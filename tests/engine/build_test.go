//go:build engine

package engine

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// buildContext writes a build context: the probe binary, built at test time, COPYed
// into a `FROM scratch` image with a version file, and a secret that .dockerignore
// keeps out of the store.
func buildContext(t *testing.T, version string) string {
	t.Helper()
	dir := t.TempDir()
	probeBin, err := os.ReadFile(filepath.Join(binDir, "probe"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"Dockerfile":    "FROM scratch\nCOPY probe /probe\nCOPY version.txt /version.txt\nENTRYPOINT [\"/probe\"]\nCMD [\"serve\", \"8080\"]\n",
		".dockerignore": "secret.txt\n",
		"secret.txt":    "hunter2\n",
		"version.txt":   version,
		// no_cache: a build that ran again would make a new image, never the cached one.
		"compose.yaml": "services:\n  web:\n    build:\n      context: .\n      no_cache: true\n",
		"probe":        string(probeBin),
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// builtRequest is the request a NixOS host sends for the imported project: Nix copies
// the context to the store while it evaluates (read-write, as a NixOS evaluation is).
func builtRequest(t *testing.T, dir, name string) string {
	t.Helper()
	nixFile := filepath.Join(t.TempDir(), "composition.nix")
	imp := exec.Command(filepath.Join(binDir, "khepri"), "import", "--expr", "-f", filepath.Join(dir, "compose.yaml"), "--name", name, "-o", nixFile)
	if out, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("khepri import: %v: %s", err, out)
	}
	var stdout, stderr bytes.Buffer
	eval := exec.Command("nix-instantiate", "--eval", "--strict", "--json", "--read-write-mode", "--option", "substituters", "",
		filepath.Join(moduleRoot, "tests/engine/request.nix"), "--argstr", "file", nixFile, "--argstr", "name", name)
	eval.Stdout, eval.Stderr = &stdout, &stderr
	if err := eval.Run(); err != nil {
		t.Fatalf("request.nix: %v: %s", err, stderr.Bytes())
	}
	var req string
	if err := json.Unmarshal(stdout.Bytes(), &req); err != nil {
		t.Fatalf("request.nix: %v: %s", err, stdout.Bytes())
	}
	return req
}

// requireNix skips a test that evaluates the imported project with Nix where it cannot.
func requireNix(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("nix-instantiate"); err != nil {
		t.Skip("not run: nix-instantiate is not installed; the context reaches the store through Nix")
	}
	if out, err := exec.Command("nix-instantiate", "--find-file", "nixpkgs/lib").CombinedOutput(); err != nil {
		t.Skipf("not run: <nixpkgs/lib> does not resolve (NIX_PATH=%q): %s", os.Getenv("NIX_PATH"), bytes.TrimSpace(out))
	}
}

// builtImage is what the engine says of an image: its ID and creation time.
func builtImage(t *testing.T, tag string) string {
	t.Helper()
	return docker(t, "image", "inspect", "--format", "{{.Id}} {{.Created}}", tag)
}

// On docker: the build unit builds the image from the imported project's context, the
// container runs it, a second start builds nothing, a changed file builds a new image
// and the unit removes the earlier one.
func TestBuiltImageIsBuiltOnceAndAgainWhenItsContextChanges(t *testing.T) {
	requireNix(t)
	dir := buildContext(t, "1\n")
	name := uniqueName(t)
	s := expandRequest(t, name, builtRequest(t, dir, name))
	ctr := s.ctr("web")
	tag := s.resp.GetContainers()[ctr].GetImage()
	t.Cleanup(func() { _, _ = dockerErr("image", "rm", tag) })
	if !strings.HasPrefix(tag, "khepri/"+name+"-web:") {
		t.Fatalf("the container runs %q, not the content-derived tag", tag)
	}
	if out, err := dockerErr("image", "inspect", tag); err == nil {
		t.Fatalf("image %s exists before the build unit ran: %s", tag, out)
	}

	s.start()
	first := builtImage(t, tag)
	if got := probe(t, ctr, "read", "/version.txt"); got != "1" {
		t.Errorf("the container reads version %q from its image, want 1", got)
	}
	context := buildContextOf(t, s.resp)
	if _, err := os.Stat(filepath.Join(context, "probe")); err != nil {
		t.Errorf("the context in the store lacks the probe: %v", err)
	}
	if _, err := os.Stat(filepath.Join(context, "secret.txt")); !os.IsNotExist(err) {
		t.Errorf("the .dockerignored secret reached the store at %s (stat: %v)", context, err)
	}

	s.stop()
	s.start()
	if again := builtImage(t, tag); again != first {
		t.Errorf("the second start built the image again: %s, then %s", first, again)
	}
	s.stop()

	if err := os.WriteFile(filepath.Join(dir, "version.txt"), []byte("2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s2 := expandRequest(t, name, builtRequest(t, dir, name))
	tag2 := s2.resp.GetContainers()[ctr].GetImage()
	t.Cleanup(func() { _, _ = dockerErr("image", "rm", tag2) })
	if tag2 == tag {
		t.Fatalf("a changed file kept the tag %s", tag)
	}
	s2.start()
	if got := probe(t, ctr, "read", "/version.txt"); got != "2" {
		t.Errorf("after the change the container reads version %q, want 2", got)
	}
	if out, err := dockerErr("image", "inspect", tag); err == nil {
		t.Errorf("the earlier image %s was not removed after the new build: %s", tag, out)
	}
}

// A build that fails fails its unit, with the build's last lines, and so the start.
func TestFailedBuildFailsTheStartWithItsLastLines(t *testing.T) {
	requireNix(t)
	dir := buildContext(t, "1\n")
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\nCOPY missing-file /x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	name := uniqueName(t)
	s := expandRequest(t, name, builtRequest(t, dir, name))
	err := s.runner.Start(t.Context())
	if err == nil {
		t.Fatal("the stack started without its image")
	}
	for _, want := range []string{"unit khepri-" + name + "-build-web", "khepri: building image khepri/" + name + "-web:", "failed", "missing-file"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the failed start says %q, without %q", err, want)
		}
	}
	if _, started := s.runner.mains["docker-"+s.ctr("web")]; started {
		t.Error("the container started after its build failed")
	}
}

// buildContextOf is the context store path of the response's one build unit.
func buildContextOf(t *testing.T, resp *khepriv1.ExpandResponse) string {
	t.Helper()
	for _, u := range resp.GetBuilds() {
		words := strings.Fields(u.GetScript())
		return words[len(words)-1]
	}
	t.Fatal("the response has no build unit")
	return ""
}

// On podman, root's and a rootless user's: the build unit builds the image in the
// composition's podman (as its user), the container runs it, and a second start builds
// nothing.
func TestPodmanBuiltImage(t *testing.T) {
	requireNix(t)
	for _, rootless := range []bool{false, true} {
		t.Run(map[bool]string{false: "rootful", true: "rootless"}[rootless], func(t *testing.T) {
			h := usePodman(t)
			owner := ""
			if rootless {
				h = useRootless(t)
				owner = h.user
			}
			dir := buildContext(t, "1\n")
			name := h.uniqueName(t)
			var req struct {
				Compositions map[string]map[string]any `json:"compositions"`
			}
			if err := json.Unmarshal([]byte(builtRequest(t, dir, name)), &req); err != nil {
				t.Fatal(err)
			}
			if rootless {
				req.Compositions[name]["podman"] = map[string]any{"user": h.user, "uid": h.uid}
			}
			s := h.expand(t, name, mustJSON(t, req.Compositions))
			ctr := s.ctr("web")
			tag := s.resp.GetContainers()[ctr].GetImage()
			t.Cleanup(func() { _, _ = h.run(owner, "image", "rm", tag) })
			if unit := s.resp.GetBuilds()["khepri-"+name+"-build-web"]; unit.GetServiceConfig()["User"] != map[bool]string{false: "", true: owner}[rootless] {
				t.Errorf("the build unit runs as %q", unit.GetServiceConfig()["User"])
			}

			s.start()
			first := h.podman(t, owner, "image", "inspect", "--format", "{{.Id}} {{.Created}}", tag)
			if got := h.probe(t, owner, ctr, "read", "/version.txt"); got != "1" {
				t.Errorf("the container reads version %q from its image, want 1", got)
			}
			s.stop()
			s.start()
			if again := h.podman(t, owner, "image", "inspect", "--format", "{{.Id}} {{.Created}}", tag); again != first {
				t.Errorf("the second start built the image again: %s, then %s", first, again)
			}
		})
	}
}
