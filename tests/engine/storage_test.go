//go:build engine

package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A named volume keeps its data across a stop and start of the composition, and across
// removing the composition from the host and adding it again: khepri's units never
// remove a volume, and the volume unit creates it only when it is missing.
func TestNamedVolumeKeepsData(t *testing.T) {
	t.Parallel()
	const comp = `{
	  "volumes": { "data": {} },
	  "services": { "db": { "image": "PROBE", "volumes": ["data:/data"] } }
	}`
	s := newStack(t, comp)
	s.start()
	probe(t, s.ctr("db"), "write", "/data/kept", "first run")
	s.stop()
	if _, err := dockerErr("container", "inspect", s.ctr("db")); err == nil {
		t.Fatalf("%s still exists after stop: oci-containers runs it with --rm", s.ctr("db"))
	}
	s.start()
	if got := probe(t, s.ctr("db"), "read", "/data/kept"); got != "first run" {
		t.Errorf("after stop and start: /data/kept = %q, want %q", got, "first run")
	}
	s.stop()
	if _, err := dockerErr("network", "inspect", s.name+"_default"); err == nil {
		t.Errorf("network %s_default survives the composition's stop", s.name)
	}
	docker(t, "volume", "inspect", s.name+"_data")

	// Removed from the host and added again: a fresh expansion of the same composition.
	again := expandAs(t, s.name, comp)
	again.start()
	if got := probe(t, again.ctr("db"), "read", "/data/kept"); got != "first run" {
		t.Errorf("after removing and re-adding the composition: /data/kept = %q, want %q", got, "first run")
	}
}

// Bind mounts reach the container; one marked read-only refuses writes, and the
// writable one writes through to the host.
func TestBindMounts(t *testing.T) {
	t.Parallel()
	rw, ro := t.TempDir(), t.TempDir()
	for _, d := range []string{rw, ro} {
		if err := os.WriteFile(filepath.Join(d, "from-host"), []byte("hello "+filepath.Base(d)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := newStack(t, `{
	  "services": { "app": { "image": "PROBE", "volumes": ["`+rw+`:/rw", "`+ro+`:/ro:ro"] } }
	}`)
	s.start()
	ctr := s.ctr("app")
	serving(t, ctr, 8080)
	for dir, host := range map[string]string{"/rw": rw, "/ro": ro} {
		if got, want := probe(t, ctr, "read", dir+"/from-host"), "hello "+filepath.Base(host); got != want {
			t.Errorf("%s/from-host = %q, want %q", dir, got, want)
		}
	}
	probe(t, ctr, "write", "/rw/from-container", "written")
	if b, err := os.ReadFile(filepath.Join(rw, "from-container")); err != nil || string(b) != "written" {
		t.Errorf("write through the rw bind mount: %q, %v", b, err)
	}
	if _, err := probeErr(ctr, "write", "/ro/from-container", "x"); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("write to the :ro bind mount: err = %v, want a read-only file system error", err)
	}
	for _, m := range inspect(t, ctr).Mounts {
		if want := m.Destination == "/rw"; m.RW != want {
			t.Errorf("mount %s: RW = %v, want %v", m.Destination, m.RW, want)
		}
	}
}
