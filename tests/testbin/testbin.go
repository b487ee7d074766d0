// Package testbin is what the engine and systemd tiers share to run the project's
// binaries on the local Docker engine: building them, the probe image, and removing what
// a test made.
package testbin

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// GoBuild builds pkg of the module at moduleRoot into out, static and stripped.
func GoBuild(moduleRoot, out, pkg string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, pkg)
	cmd.Dir = moduleRoot
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v: %s", pkg, err, b)
	}
	return nil
}

// ProbeImage builds the probe `FROM scratch`, tagged by the binary's hash so that
// an unchanged probe is built once per engine and a changed one never reuses a stale
// image.
func ProbeImage(bin string) (string, error) {
	b, err := os.ReadFile(bin)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	tag := "khepri-test/probe:" + hex.EncodeToString(sum[:])[:16]
	if exec.Command("docker", "image", "inspect", tag).Run() == nil {
		return tag, nil
	}
	ctx, err := os.MkdirTemp("", "khepri-probe-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(ctx)
	if err := os.WriteFile(filepath.Join(ctx, "probe"), b, 0o755); err != nil {
		return "", err
	}
	dockerfile := "FROM scratch\nCOPY probe /probe\nCOPY probe /bin/sh\nENTRYPOINT [\"/probe\"]\nCMD [\"serve\", \"8080\"]\n"
	if err := os.WriteFile(filepath.Join(ctx, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
		return "", err
	}
	if out, err := exec.Command("docker", "build", "-q", "-t", tag, ctx).CombinedOutput(); err != nil {
		return "", fmt.Errorf("docker build: %v: %s", err, out)
	}
	return tag, nil
}

// RemoveAll removes every container, network and volume whose name starts with
// prefix: what a test made, whether it passed or not.
func RemoveAll(t testing.TB, prefix string) {
	for _, kind := range []string{"container", "network", "volume"} {
		args := []string{kind, "ls", "-q", "--format", "{{.Name}}"}
		if kind == "container" {
			args = []string{"ps", "-a", "--format", "{{.Names}}"}
		}
		out, err := exec.Command("docker", args...).Output()
		if err != nil {
			t.Errorf("cleanup: docker %s: %v", strings.Join(args, " "), err)
			continue
		}
		var mine []string
		for _, n := range strings.Fields(string(out)) {
			if strings.HasPrefix(n, prefix) {
				mine = append(mine, n)
			}
		}
		if len(mine) == 0 {
			continue
		}
		rm := append([]string{kind, "rm", "-f"}, mine...)
		if kind == "network" {
			rm = append([]string{"network", "rm"}, mine...)
		}
		if out, err := exec.Command("docker", rm...).CombinedOutput(); err != nil {
			t.Errorf("cleanup: docker %s: %v: %s", strings.Join(rm, " "), err, out)
		}
	}
}
