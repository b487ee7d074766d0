//go:build engine

package engine

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// reach asserts that from can (or cannot) GET the probe of the peer named host.
func reach(t *testing.T, from, host string, want bool) {
	t.Helper()
	out, err := probeErr(from, "get", fmt.Sprintf("http://%s:8080/", host))
	switch {
	case want && err != nil:
		t.Errorf("%s cannot reach %s: %v", from, host, err)
	case !want && err == nil:
		t.Errorf("%s reaches %s, which it shares no network with: %s", from, host, out)
	}
}

// Services answer to their service name and aliases on each network they share, and
// are unreachable, under any name, across networks they do not share.
func TestNetworksNamesAndAliases(t *testing.T) {
	t.Parallel()
	s := newStack(t, `{
	  "networks": { "front": {}, "back": {} },
	  "services": {
	    "web": {
	      "image": "PROBE",
	      "networks": { "front": { "aliases": ["www"] }, "back": { "aliases": ["api", "api2"] } }
	    },
	    "edge": { "image": "PROBE", "networks": { "front": {} } },
	    "db": { "image": "PROBE", "networks": { "back": {} } },
	    "solo": { "image": "PROBE" },
	    "solo2": { "image": "PROBE" }
	  }
	}`)
	s.start()
	for _, svc := range []string{"web", "edge", "db", "solo", "solo2"} {
		serving(t, s.ctr(svc), 8080)
	}
	for _, c := range []struct {
		from, to string
		want     bool
	}{
		{"edge", "web", true},
		{"edge", "www", true},
		{"edge", "api", false}, // web's alias on back only
		{"edge", "db", false},
		{"edge", "solo", false},
		{"db", "web", true},
		{"db", "api", true},
		{"db", "api2", true},
		{"db", "www", false},
		{"db", "edge", false},
		{"web", "edge", true},
		{"web", "db", true},
		{"solo", "solo2", true}, // the default network
		{"solo", "web", false},
	} {
		reach(t, s.ctr(c.from), c.to, c.want)
	}
	nets := inspect(t, s.ctr("web")).NetworkSettings.Networks
	for net, aliases := range map[string][]string{s.name + "_front": {"web", "www"}, s.name + "_back": {"web", "api", "api2"}} {
		for _, a := range aliases {
			if !contains(nets[net].Aliases, a) {
				t.Errorf("web on %s: aliases %v lack %s", net, nets[net].Aliases, a)
			}
		}
	}
	if len(nets) != 2 {
		t.Errorf("web is on %d networks, want 2: %v", len(nets), nets)
	}
}

// A verbatim `docker run` with two --network=name=…,alias=… flags; on older engines
// the runner attaches the further networks itself (see Runner).
func TestMultiNetworkRunVerbatim(t *testing.T) {
	if !multiNet {
		t.Skip("not run: verbatim multi-network attach needs docker ≥ 25 (engine API 1.44); this engine refuses it, so the runner attaches further networks with docker network connect")
	}
	t.Parallel()
	s := newStack(t, `{
	  "networks": { "a": {}, "b": {} },
	  "services": { "web": { "image": "PROBE", "networks": { "a": {}, "b": { "aliases": ["x"] } } } }
	}`)
	s.start()
	if n := len(inspect(t, s.ctr("web")).NetworkSettings.Networks); n != 2 {
		t.Errorf("web is on %d networks, want 2", n)
	}
}

// An internal network has no route out: a container only on it cannot reach a host
// beyond the engine's host, while a container on an ordinary network can. The host
// beyond is a network namespace made for the test, behind a veth pair: traffic to it is
// forwarded by the engine's host, which is what `internal` stops. (Addresses of the
// engine's host itself are not what `internal` governs: docker filters forwarded
// traffic only.)
func TestInternalNetworkHasNoRouteOut(t *testing.T) {
	t.Parallel()
	url := hostBeyond(t)
	s := newStack(t, `{
	  "networks": { "inside": { "internal": true }, "outside": {} },
	  "services": {
	    "jail": { "image": "PROBE", "networks": { "inside": {} } },
	    "peer": { "image": "PROBE", "networks": { "inside": {}, "outside": {} } }
	  }
	}`)
	s.start()
	serving(t, s.ctr("jail"), 8080)
	serving(t, s.ctr("peer"), 8080)
	reach(t, s.ctr("jail"), "peer", true)
	if out, err := probeErr(s.ctr("peer"), "get", url); err != nil || !strings.Contains(out, "args") {
		t.Fatalf("control: peer, on an ordinary network, cannot reach %s (%v: %s), so the check below proves nothing", url, err, out)
	}
	if out, err := probeErr(s.ctr("jail"), "get", url); err == nil {
		t.Errorf("jail, only on an internal network, reaches %s: %s", url, out)
	}
}

// hostBeyond makes a host outside the engine's networks: a network namespace joined to
// this one by a veth pair, with the probe serving HTTP in it. It returns its URL.
func hostBeyond(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("not run: making a network namespace needs root")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("not run: making a network namespace needs ip (iproute2)")
	}
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	id := hex.EncodeToString(b)
	ns, hostEnd, nsEnd := "kt"+id, "kth"+id, "ktn"+id
	// 198.18.0.0/15 is set aside for benchmarks: never a real network's.
	subnet := fmt.Sprintf("198.18.%d.", int(b[0]))
	ip := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	ip("netns", "add", ns)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
	ip("link", "add", hostEnd, "type", "veth", "peer", "name", nsEnd)
	t.Cleanup(func() { _ = exec.Command("ip", "link", "del", hostEnd).Run() })
	ip("link", "set", nsEnd, "netns", ns)
	ip("addr", "add", subnet+"1/30", "dev", hostEnd)
	ip("link", "set", hostEnd, "up")
	ip("-n", ns, "addr", "add", subnet+"2/30", "dev", nsEnd)
	ip("-n", ns, "link", "set", nsEnd, "up")
	ip("-n", ns, "link", "set", "lo", "up")
	srv := exec.Command("ip", "netns", "exec", ns, filepath.Join(binDir, "probe"), "serve", "8080")
	srv.Env = []string{}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Process.Kill(); _ = srv.Wait() })
	url := "http://" + subnet + "2:8080/"
	for i := 0; ; i++ {
		if err := exec.Command("ip", "netns", "exec", ns, filepath.Join(binDir, "probe"), "get", url).Run(); err == nil {
			return url
		} else if i == 50 {
			t.Fatalf("the probe in namespace %s does not serve %s: %v", ns, url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
