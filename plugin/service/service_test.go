package service

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/naming"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

func strs(t *testing.T, vs ...any) *structpb.Value {
	t.Helper()
	l, err := structpb.NewList(vs)
	require.NoError(t, err)
	return structpb.NewListValue(l)
}

func TestCommandLine(t *testing.T) {
	ptr := func(s string) *string { return &s }
	tests := []struct {
		name           string
		give           *khepriv1.Service
		wantCmd        []string
		wantEntrypoint *string
		wantErr        string
		wantWarn       string
	}{
		{name: "neither", give: &khepriv1.Service{}},
		{name: "command list", give: &khepriv1.Service{Command: strs(t, "a", "b c")}, wantCmd: []string{"a", "b c"}},
		{name: "command string", give: &khepriv1.Service{Command: structpb.NewStringValue(`a "b c"`)}, wantCmd: []string{"a", "b c"}},
		{name: "entrypoint rest leads command", give: &khepriv1.Service{Entrypoint: strs(t, "/init", "--x"), Command: strs(t, "run")}, wantCmd: []string{"--x", "run"}, wantEntrypoint: ptr("/init")},
		{name: "entrypoint alone resets cmd", give: &khepriv1.Service{Entrypoint: structpb.NewStringValue("/init")}, wantEntrypoint: ptr("/init")},
		{name: "empty entrypoint clears", give: &khepriv1.Service{Entrypoint: strs(t)}, wantEntrypoint: ptr("")},
		{name: "null entrypoint is unset", give: &khepriv1.Service{Entrypoint: structpb.NewNullValue()}},
		{name: "empty command", give: &khepriv1.Service{Command: strs(t)}, wantWarn: "an empty command means none to the engines"},
		{name: "empty command string", give: &khepriv1.Service{Command: structpb.NewStringValue("  ")}, wantWarn: "an empty command means none to the engines"},
		{name: "empty command after an entrypoint", give: &khepriv1.Service{Entrypoint: strs(t, "/init"), Command: strs(t)}, wantEntrypoint: ptr("/init")},
		{name: "empty command after a cleared entrypoint", give: &khepriv1.Service{Entrypoint: strs(t), Command: strs(t)}, wantEntrypoint: ptr(""), wantWarn: "an empty command means none to the engines"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d diag.Collector
			ctr := &khepriv1.Container{}
			r := &run{svc: tt.give, path: "s", d: &d, ctr: ctr}
			r.commandLine()
			if tt.wantErr != "" {
				require.True(t, d.HasErrors())
				assert.Contains(t, d.Sorted()[0].GetMessage(), tt.wantErr)
				return
			}
			require.False(t, d.HasErrors(), "%v", d.Sorted())
			assert.Equal(t, tt.wantCmd, ctr.GetCmd())
			assert.Equal(t, tt.wantEntrypoint, ctr.Entrypoint)
			if tt.wantWarn != "" {
				require.Len(t, d.Sorted(), 1)
				assert.Contains(t, d.Sorted()[0].GetMessage(), tt.wantWarn)
			} else {
				assert.Empty(t, d.Sorted())
			}
		})
	}
}

func TestNetworkFlag(t *testing.T) {
	tests := []struct {
		name string
		give naming.Backend
		want string
	}{
		{name: "docker", give: naming.Docker, want: "--network=name=c_default,alias=web,alias=www"},
		{name: "podman", give: naming.Podman, want: "--network=c_default:alias=web,alias=www"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d diag.Collector
			r := &run{c: &Composition{Backend: tt.give}, d: &d}
			assert.Equal(t, tt.want, r.networkFlag("c_default", []string{"web", "www"}, nil, "p"))
			assert.False(t, d.HasErrors())
		})
	}
}
