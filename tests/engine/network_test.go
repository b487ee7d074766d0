//go:build engine

package engine

import (
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
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

// An internal network has no route out: a peer on it is reachable, the host is not,
// while the same host address answers a container on an ordinary network.
func TestInternalNetworkHasNoRouteOut(t *testing.T) {
	if (&khepriv1.Network{}).ProtoReflect().Descriptor().Fields().ByName("internal") == nil {
		t.Skip("not run: networks.<n>.internal is not an option yet (issue 3): nothing to prove")
	}
	t.Parallel()
	ln, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("host")) })}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	port := ln.Addr().(*net.TCPAddr).Port

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
	gw := docker(t, "network", "inspect", s.name+"_outside", "--format", "{{(index .IPAM.Config 0).Gateway}}")
	url := fmt.Sprintf("http://%s:%d/", gw, port)
	if out, err := probeErr(s.ctr("peer"), "get", url); err != nil || !strings.Contains(out, "host") {
		t.Fatalf("control: peer cannot reach the host at %s (%v), so the check below proves nothing", url, err)
	}
	if out, err := probeErr(s.ctr("jail"), "get", url); err == nil {
		t.Errorf("jail on an internal network reaches the host at %s: %s", url, out)
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
