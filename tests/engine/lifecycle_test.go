//go:build engine

package engine

import (
	"os"
	"path/filepath"
	"testing"
)

// post_start hooks run once the container runs, though its `docker run` is slow, and
// pre_stop hooks run inside the container before it is stopped.
func TestLifecycleHooks(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	s := newStack(t, `{"services": {"app": {"image": "PROBE", "volumes": ["`+out+`:/out"],
	  "postStart": [{"command": ["/probe", "write", "/out/started", "yes"]}],
	  "preStop": [{"command": ["/probe", "write", "/out/stopping", "yes"]}]}}}`)
	s.runner.Env = slowDockerRun(t, s.ctr("app"))
	s.start()
	if b, err := os.ReadFile(filepath.Join(out, "started")); err != nil || string(b) != "yes" {
		t.Errorf("post_start hook: %q, %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(out, "stopping")); err == nil {
		t.Errorf("the pre_stop hook ran before the stop")
	}
	s.stop()
	if b, err := os.ReadFile(filepath.Join(out, "stopping")); err != nil || string(b) != "yes" {
		t.Errorf("pre_stop hook: %q, %v", b, err)
	}
}
