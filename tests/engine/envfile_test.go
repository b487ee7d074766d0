//go:build engine

package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// envFileLines are lines seen in real projects that the engines' --env-file reads
// literally and compose does not: an inline comment, and `KEY = 'value'`, which docker
// refuses outright.
const envFileLines = "PASSWORD=MySecureDatabasePassword # change this\nLEAN_PORT = '8081'\n"

// wantEnvFile is what compose passes a container for envFileLines.
var wantEnvFile = map[string]string{"PASSWORD": "MySecureDatabasePassword", "LEAN_PORT": "8081"}

// A container started from an expansion sees its env file as compose would pass it; an
// optional file that is missing is skipped; the file the engine read is gone with the
// unit's stop; a missing required file fails the start with one line naming it.
func TestEnvFileAsComposeReadsIt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	envFile, missing := filepath.Join(dir, "app.env"), filepath.Join(dir, "missing.env")
	if err := os.WriteFile(envFile, []byte(envFileLines), 0o600); err != nil {
		t.Fatal(err)
	}
	s := newStack(t, fmt.Sprintf(`{
	  "services": {
	    "app": {
	      "image": "PROBE",
	      "entrypoint": ["/probe", "serve"],
	      "command": ["8080"],
	      "envFile": [%q, { "path": %q, "required": false }]
	    }
	  }
	}`, envFile, missing))
	s.start()
	ctr := s.ctr("app")
	r := serving(t, ctr, 8080)
	for k, v := range wantEnvFile {
		if got, ok := r.Env[k]; !ok || got != v {
			t.Errorf("env %s inside = %q (set: %v), want %q as compose passes it", k, got, ok, v)
		}
	}
	written := "/run/khepri/" + ctr + "/env"
	if info, err := os.Stat(written); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("%s while the container runs: %v, %v; want mode 0600", written, info, err)
	}
	s.stop()
	if _, err := os.Stat(filepath.Dir(written)); !os.IsNotExist(err) {
		t.Errorf("runtime directory %s after stop: %v, want it removed", filepath.Dir(written), err)
	}

	bad := newStack(t, fmt.Sprintf(`{"services": {"app": {"image": "PROBE", "envFile": [%q]}}}`, missing))
	err := bad.runner.Start(context.Background())
	if want := "khepri: env file " + missing + " is missing"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("start with a missing required env file: %v, want an error with %q", err, want)
	}
	if _, err := dockerErr("container", "inspect", bad.ctr("app")); err == nil {
		t.Errorf("%s was started without its required env file", bad.ctr("app"))
	}
}

// A rootless container's unit writes its env file as its user, into the runtime
// directory oci-containers gives the unit, and the user's podman reads it.
func TestPodmanRootlessEnvFile(t *testing.T) {
	t.Parallel()
	h := useRootless(t)
	name := h.uniqueName(t)
	dir, err := os.MkdirTemp(h.dir, "env-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// The user's own file, as a rootless composition's env file must be.
	envFile := filepath.Join(dir, "app.env")
	if err := os.WriteFile(envFile, []byte(envFileLines), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(envFile, h.uid, h.gid); err != nil {
		t.Fatal(err)
	}
	s := h.expand(t, name, fmt.Sprintf(`{%q: {
	  "podman": {"user": %q, "uid": %d},
	  "services": {
	    "app": { "image": "PROBE", "entrypoint": ["/probe", "serve"], "command": ["8080"], "envFile": [%q] }
	  }
	}}`, name, h.user, h.uid, envFile))
	s.start()
	ctr := s.ctr("app")
	r := h.get(t, h.user, ctr, "http://127.0.0.1:8080/")
	for k, v := range wantEnvFile {
		if got, ok := r.Env[k]; !ok || got != v {
			t.Errorf("env %s inside = %q (set: %v), want %q as compose passes it", k, got, ok, v)
		}
	}
	written := "/run/" + ctr + "/khepri.env"
	info, err := os.Stat(written)
	if err != nil {
		t.Fatalf("%s while the container runs: %v", written, err)
	}
	if st, ok := info.Sys().(*syscall.Stat_t); !ok || int(st.Uid) != h.uid || info.Mode().Perm() != 0o600 {
		t.Errorf("%s: mode %v, owner %v; want 0600, owned by %s", written, info.Mode().Perm(), info.Sys(), h.user)
	}
}
