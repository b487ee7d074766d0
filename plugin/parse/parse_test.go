package parse

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/structpb"
)

func TestParsePort(t *testing.T) {
	lo := netip.MustParseAddr("127.0.0.1")
	v6 := netip.MustParseAddr("::1")
	tests := []struct {
		name    string
		give    string
		want    Port
		wantErr string
	}{
		{name: "container only", give: "80", want: Port{Container: PortRange{80, 80}, Protocol: "tcp"}},
		{name: "host and container", give: "8080:80", want: Port{Host: PortRange{8080, 8080}, Container: PortRange{80, 80}, Protocol: "tcp"}},
		{name: "udp", give: "443:443/udp", want: Port{Host: PortRange{443, 443}, Container: PortRange{443, 443}, Protocol: "udp"}},
		{name: "ipv4 address", give: "127.0.0.1:8080:80/sctp", want: Port{HostIP: lo, Host: PortRange{8080, 8080}, Container: PortRange{80, 80}, Protocol: "sctp"}},
		{name: "address and random port", give: "127.0.0.1::80", want: Port{HostIP: lo, Container: PortRange{80, 80}, Protocol: "tcp"}},
		{name: "ipv6 in brackets", give: "[::1]:8080:80", want: Port{HostIP: v6, Host: PortRange{8080, 8080}, Container: PortRange{80, 80}, Protocol: "tcp"}},
		{name: "ranges", give: "9000-9001:8000-8001", want: Port{Host: PortRange{9000, 9001}, Container: PortRange{8000, 8001}, Protocol: "tcp"}},
		{name: "host range single container", give: "9000-9010:80", want: Port{Host: PortRange{9000, 9010}, Container: PortRange{80, 80}, Protocol: "tcp"}},
		{name: "unknown protocol", give: "80/http", wantErr: `unknown protocol "http"`},
		{name: "ipv6 without brackets", give: "::1:80:80", wantErr: "too many colons"},
		{name: "ipv6 unterminated", give: "[::1:80:80", wantErr: "unterminated IPv6 address"},
		{name: "ipv4 in brackets", give: "[127.0.0.1]:80:80", wantErr: "not an IPv6 address"},
		{name: "bad ipv4", give: "1.2.3:80:80", wantErr: "not an IPv4 address"},
		{name: "zero", give: "0:80", wantErr: "between 1 and 65535"},
		{name: "too big", give: "65536", wantErr: "between 1 and 65535"},
		{name: "sign", give: "+80", wantErr: "not a port number"},
		{name: "empty", give: "", wantErr: "not a port number"},
		{name: "range lengths", give: "1-2:1-3", wantErr: "differ in length"},
		{name: "reversed range", give: "9-8:80", wantErr: "ends before it starts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePort(tt.give)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestPortConflicts(t *testing.T) {
	tests := []struct {
		name string
		give [2]string
		want bool
	}{
		{name: "same port", give: [2]string{"80:80", "80:8080"}, want: true},
		{name: "other protocol", give: [2]string{"80:80", "80:80/udp"}},
		{name: "any address overlaps one", give: [2]string{"80:80", "127.0.0.1:80:80"}, want: true},
		{name: "unspecified overlaps one", give: [2]string{"0.0.0.0:80:80", "[::1]:80:80"}, want: true},
		{name: "two addresses", give: [2]string{"127.0.0.1:80:80", "127.0.0.2:80:80"}},
		{name: "ranges overlap", give: [2]string{"9000-9005:9000-9005", "9005:1"}, want: true},
		{name: "random host ports", give: [2]string{"80", "80"}},
		{name: "host range picks a port", give: [2]string{"9000-9005:80", "9000:80"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParsePort(tt.give[0])
			require.NoError(t, err)
			b, err := ParsePort(tt.give[1])
			require.NoError(t, err)
			assert.Equal(t, tt.want, a.Conflicts(b))
			assert.Equal(t, tt.want, b.Conflicts(a))
		})
	}
}

func TestParseMount(t *testing.T) {
	tests := []struct {
		name    string
		give    string
		want    Mount
		wantErr string
	}{
		{name: "named", give: "data:/data", want: Mount{Kind: Named, Source: "data", Target: "/data"}},
		{name: "named with options", give: "data:/data:ro,nocopy", want: Mount{Kind: Named, Source: "data", Target: "/data", Options: "ro,nocopy"}},
		{name: "bind", give: "/etc/x:/x:ro,Z,rshared", want: Mount{Kind: Bind, Source: "/etc/x", Target: "/x", Options: "ro,Z,rshared"}},
		{name: "store path", give: "/nix/store/abc-conf:/conf:ro", want: Mount{Kind: Bind, Source: "/nix/store/abc-conf", Target: "/conf", Options: "ro"}},
		{name: "anonymous", give: "/cache", want: Mount{Kind: Anonymous, Target: "/cache"}},
		{name: "relative", give: "./x:/x", wantErr: "no project directory"},
		{name: "home", give: "~/x:/x", wantErr: "no project directory"},
		{name: "relative target", give: "data:data", wantErr: "must be an absolute path"},
		{name: "lone name", give: "data", wantErr: "must be an absolute path"},
		{name: "too many colons", give: "a:/b:ro:x", wantErr: "too many ':'"},
		{name: "two access modes", give: "a:/b:ro,rw", wantErr: "both set the access mode"},
		{name: "two labels", give: "/a:/b:z,Z", wantErr: "SELinux label"},
		{name: "nocopy on bind", give: "/a:/b:nocopy", wantErr: "volumes only"},
		{name: "propagation on volume", give: "a:/b:shared", wantErr: "bind mounts only"},
		{name: "unknown option", give: "a:/b:delegated", wantErr: `unknown option "delegated"`},
		{name: "empty option", give: "a:/b:ro,", wantErr: `unknown option ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMount(tt.give)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.give, got.String())
		})
	}
}

func TestParseExtraHost(t *testing.T) {
	tests := []struct {
		name    string
		give    string
		want    string
		wantErr string
	}{
		{name: "colon", give: "db:10.0.0.5", want: "--add-host=db:10.0.0.5"},
		{name: "equals", give: "db=10.0.0.5", want: "--add-host=db:10.0.0.5"},
		{name: "ipv6 after colon", give: "db:::1", want: "--add-host=db:::1"},
		{name: "ipv6 in brackets", give: "db=[fd00::1]", want: "--add-host=db:fd00::1"},
		{name: "ipv6 in brackets after colon", give: "db:[fd00::1]", want: "--add-host=db:fd00::1"},
		{name: "host gateway", give: "host.docker.internal:host-gateway", want: "--add-host=host.docker.internal:host-gateway"},
		{name: "no separator", give: "db", wantErr: "use host:ip or host=ip"},
		{name: "no host", give: "=1.2.3.4", wantErr: "is not a host name"},
		{name: "bad ip", give: "db:x", wantErr: "is not an IP address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseExtraHost(tt.give)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.Flag())
		})
	}
}

func TestParseRestart(t *testing.T) {
	tests := []struct {
		name    string
		give    string
		want    Restart
		wantErr bool
	}{
		{name: "unset", give: "", want: Restart{"no", -1}},
		{name: "no", give: "no", want: Restart{"no", -1}},
		{name: "always", give: "always", want: Restart{"always", -1}},
		{name: "unless-stopped", give: "unless-stopped", want: Restart{"always", -1}},
		{name: "on-failure", give: "on-failure", want: Restart{"on-failure", -1}},
		{name: "on-failure:0", give: "on-failure:0", want: Restart{"on-failure", 0}},
		{name: "on-failure:5", give: "on-failure:5", want: Restart{"on-failure", 5}},
		{name: "negative", give: "on-failure:-1", wantErr: true},
		{name: "empty count", give: "on-failure:", wantErr: true},
		{name: "huge", give: "on-failure:99999999999999999999", wantErr: true},
		{name: "unknown", give: "sometimes", wantErr: true},
		{name: "case", give: "Always", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRestart(tt.give)
			if tt.wantErr {
				require.ErrorContains(t, err, "allowed:")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestArgs(t *testing.T) {
	list := func(vs ...any) *structpb.Value {
		l, err := structpb.NewList(vs)
		require.NoError(t, err)
		return structpb.NewListValue(l)
	}
	tests := []struct {
		name    string
		give    *structpb.Value
		want    []string
		wantSet bool
		wantErr string
	}{
		{name: "missing", give: nil},
		{name: "null", give: structpb.NewNullValue()},
		{name: "empty value", give: &structpb.Value{}},
		{name: "list", give: list("echo", "a b"), want: []string{"echo", "a b"}, wantSet: true},
		{name: "empty list", give: list(), want: []string{}, wantSet: true},
		{name: "string", give: structpb.NewStringValue(`sh -c 'echo "$HOME"' x\ y`), want: []string{"sh", "-c", `echo "$HOME"`, "x y"}, wantSet: true},
		{name: "no expansion", give: structpb.NewStringValue(`echo $HOME ${X} $(id) ` + "`id`"), want: []string{"echo", "$HOME", "${X}", "$(id)", "`id`"}, wantSet: true},
		{name: "empty string", give: structpb.NewStringValue(""), want: []string{}, wantSet: true},
		{name: "shell operator", give: structpb.NewStringValue(`sh -c 'a' ; echo b`), wantSet: true, wantErr: "shell operator at offset 10"},
		{name: "quoted operator", give: structpb.NewStringValue(`sh -c 'a; b | c'`), want: []string{"sh", "-c", "a; b | c"}, wantSet: true},
		{name: "unterminated", give: structpb.NewStringValue(`echo "x`), wantSet: true, wantErr: "cannot split"},
		{name: "non-string element", give: list("a", 1.0), wantSet: true, wantErr: "element 1 is not a string"},
		{name: "number", give: structpb.NewNumberValue(1), wantSet: true, wantErr: "not a number"},
		{name: "struct", give: structpb.NewStructValue(&structpb.Struct{}), wantSet: true, wantErr: "not an attribute set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, set, err := Args(tt.give)
			assert.Equal(t, tt.wantSet, set)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			if tt.want == nil {
				assert.Nil(t, got)
			} else {
				assert.Equal(t, tt.want, got)
			}
		})
	}
}

func TestCapability(t *testing.T) {
	tests := []struct {
		name    string
		give    string
		want    string
		wantErr bool
	}{
		{name: "plain", give: "NET_ADMIN", want: "NET_ADMIN"},
		{name: "prefixed", give: "CAP_NET_ADMIN", want: "NET_ADMIN"},
		{name: "lowercase prefixed", give: "cap_sys_time", want: "SYS_TIME"},
		{name: "all", give: "ALL", want: "ALL"},
		{name: "empty", give: "", wantErr: true},
		{name: "prefix only", give: "CAP_", wantErr: true},
		{name: "dash", give: "NET-ADMIN", wantErr: true},
		{name: "unicode fold", give: "ſys_admin", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Capability(tt.give)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
