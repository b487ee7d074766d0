package parse

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/types/known/structpb"
)

// The parsers never panic, and what they accept renders back consistently.

func FuzzParsePort(f *testing.F) {
	for _, s := range []string{"80", "8080:80", "127.0.0.1:8080:80/udp", "[::1]:80:80", "9000-9001:80-81", "127.0.0.1::80", "[::1]::80/sctp"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePort(s)
		if err != nil {
			return
		}
		if p.Container.First < 1 || p.Container.Last > 65535 || p.Container.Last < p.Container.First {
			t.Fatalf("%q: bad container range %v", s, p.Container)
		}
		_ = p.Conflicts(p)
		_ = p.HostAddr()
	})
}

func FuzzParseMount(f *testing.F) {
	for _, s := range []string{"data:/data", "/a:/b:ro,z,rshared", "/cache", "./x:/x", "v:/d:nocopy"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMount(s)
		if err != nil {
			return
		}
		if m.String() != s {
			t.Fatalf("%q renders back as %q", s, m.String())
		}
	})
}

func FuzzParseExtraHost(f *testing.F) {
	for _, s := range []string{"db:10.0.0.1", "db=::1", "db:[fd00::1]", "gw:host-gateway"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseExtraHost(s)
		if err != nil {
			return
		}
		if h.Host == "" || strings.Contains(h.Host, ":") {
			t.Fatalf("%q: bad host %q", s, h.Host)
		}
	})
}

func FuzzParseRestart(f *testing.F) {
	for _, s := range []string{"no", "always", "on-failure:3", "unless-stopped", "on-failure:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRestart(s)
		if err == nil && r.Policy == "" {
			t.Fatalf("%q: empty policy", s)
		}
	})
}

func FuzzArgs(f *testing.F) {
	for _, s := range []string{"echo hi", `sh -c 'a "b"'`, `x\ y`, `"unterminated`, "$(id) `id`", "a && b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _, _ = Args(structpb.NewStringValue(s))
	})
}

func FuzzCapability(f *testing.F) {
	for _, s := range []string{"NET_ADMIN", "cap_sys_time", "ALL"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = Capability(s)
	})
}
