package parse

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDevice(t *testing.T) {
	tests := []struct {
		name    string
		give    string
		wantErr string
	}{
		{name: "host path", give: "/dev/net/tun"},
		{name: "container path", give: "/dev/sda:/dev/xvda"},
		{name: "permissions", give: "/dev/sda:r"},
		{name: "all three", give: "/dev/sda:/dev/xvda:rwm"},
		{name: "permissions in any order", give: "/dev/sda:/dev/xvda:mr"},
		{name: "CDI name", give: "nvidia.com/gpu=all"},
		{name: "empty", give: "", wantErr: "empty device"},
		{name: "mode outside rwm", give: "/dev/sda:/dev/xvda:rwx", wantErr: `invalid permissions "rwx"`},
		{name: "repeated mode", give: "/dev/sda:/dev/xvda:rr", wantErr: `invalid permissions "rr"`},
		{name: "empty mode", give: "/dev/sda:/dev/xvda:", wantErr: `invalid permissions ""`},
		{name: "neither path nor mode", give: "/dev/sda:xyz", wantErr: "is neither an absolute path in the container nor permissions"},
		{name: "relative container path", give: "/dev/sda:xvda:rw", wantErr: `the container path "xvda" must be absolute`},
		{name: "relative host path", give: "sda", wantErr: "must be an absolute path"},
		{name: "too many parts", give: "/dev/sda:/dev/b:rw:x", wantErr: "at most two ':'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Device(tt.give)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
		})
	}
}

func TestDeviceCgroupRule(t *testing.T) {
	for _, ok := range []string{"c 1:3 mr", "a *:* rwm", "b 8:* r"} {
		require.NoError(t, DeviceCgroupRule(ok), ok)
	}
	for _, bad := range []string{"c 1:3 rwx", "x 1:3 r", "c 1 r", "c 1:3", "c 1:3 rwmr"} {
		require.ErrorContains(t, DeviceCgroupRule(bad), "invalid device cgroup rule", bad)
	}
}
