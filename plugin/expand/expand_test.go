package expand

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/khepri-nix/khepri/proto/khepri/canonjson"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

func TestExpandEdges(t *testing.T) {
	svc := func(image string) *khepriv1.Service { return &khepriv1.Service{Image: image} }
	tests := []struct {
		name string
		give *khepriv1.ExpandRequest
		// want is the canonical JSON of the response.
		want string
	}{
		{name: "nil request", give: nil, want: `{
  "diagnostics": [
    {
      "severity": "SEVERITY_ERROR",
      "path": "virtualisation.oci-containers.backend",
      "message": "unsupported backend \"\"; khepri supports \"docker\" and \"podman\""
    }
  ]
}
`},
		{name: "no compositions", give: &khepriv1.ExpandRequest{Backend: "docker"}, want: `{
  "manifest": {
    "backend": "docker",
    "compositions": {},
    "version": 3
  }
}
`},
		{
			name: "unknown backend",
			give: &khepriv1.ExpandRequest{Backend: "lxc", Compositions: map[string]*khepriv1.Composition{
				"a": {Services: map[string]*khepriv1.Service{"s": svc("busybox")}},
			}},
			want: `{
  "diagnostics": [
    {
      "severity": "SEVERITY_ERROR",
      "path": "virtualisation.oci-containers.backend",
      "message": "unsupported backend \"lxc\"; khepri supports \"docker\" and \"podman\""
    }
  ]
}
`,
		},
		{
			name: "nil composition and service",
			give: &khepriv1.ExpandRequest{Backend: "podman", Compositions: map[string]*khepriv1.Composition{
				"a": nil,
				"b": {Services: map[string]*khepriv1.Service{"s": nil}, Networks: map[string]*khepriv1.Network{"n": nil}},
			}},
			want: `{
  "diagnostics": [
    {
      "severity": "SEVERITY_ERROR",
      "path": "khepri.compositions.b.services.s.image",
      "message": "image is empty: set an image reference or an image derivation (dockerTools)"
    }
  ]
}
`,
		},
		{
			name: "empty composition has a target only",
			give: &khepriv1.ExpandRequest{Backend: "docker", Compositions: map[string]*khepriv1.Composition{"a": {}}},
			want: `{
  "targets": {
    "khepri-a": {
      "description": "khepri composition a",
      "wantedBy": [
        "multi-user.target"
      ]
    }
  },
  "manifest": {
    "backend": "docker",
    "compositions": {},
    "version": 3
  }
}
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := canonjson.Marshal(Expand(tt.give))
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
		})
	}
}

func TestWarningsKeepOutput(t *testing.T) {
	resp := Expand(&khepriv1.ExpandRequest{Backend: "docker", Compositions: map[string]*khepriv1.Composition{
		"a": {Services: map[string]*khepriv1.Service{"s": {Image: "busybox", Volumes: []*structpb.Value{structpb.NewStringValue("/scratch")}}}},
	}})
	require.Len(t, resp.GetDiagnostics(), 1)
	assert.Equal(t, khepriv1.Severity_SEVERITY_WARNING, resp.GetDiagnostics()[0].GetSeverity())
	assert.Contains(t, resp.GetContainers(), "a-s")
	assert.Contains(t, resp.GetContainerUnits(), "docker-a-s")
}

func TestErrorsDropOutput(t *testing.T) {
	resp := Expand(&khepriv1.ExpandRequest{Backend: "docker", Compositions: map[string]*khepriv1.Composition{
		"a": {Services: map[string]*khepriv1.Service{
			"ok":  {Image: "busybox", Volumes: []*structpb.Value{structpb.NewStringValue("/scratch")}},
			"bad": {Image: "busybox", Restart: "sometimes"},
		}},
	}})
	assert.Len(t, resp.GetDiagnostics(), 2)
	assert.Equal(t, khepriv1.Severity_SEVERITY_ERROR, resp.GetDiagnostics()[0].GetSeverity(), "errors first")
	assert.Empty(t, resp.GetContainers())
	assert.Empty(t, resp.GetContainerUnits())
	assert.Empty(t, resp.GetServices())
	assert.Empty(t, resp.GetTargets())
}

// The RPC face gives what Expand gives: a request with a service, not only an empty one,
// so that a response dropped on the way would show.
func TestExpander(t *testing.T) {
	req := &khepriv1.ExpandRequest{Backend: "docker", Compositions: map[string]*khepriv1.Composition{
		"a": {Services: map[string]*khepriv1.Service{"s": {Image: "busybox"}}},
	}}
	resp, err := Expander{}.Expand(context.Background(), req)
	require.NoError(t, err)
	assert.Empty(t, resp.GetDiagnostics())
	assert.Equal(t, "busybox", resp.GetContainers()["a-s"].GetImage())
	assert.Contains(t, resp.GetContainerUnits(), "docker-a-s")
	want, err := canonjson.Marshal(Expand(req))
	require.NoError(t, err)
	got, err := canonjson.Marshal(resp)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
}

func TestScaleBound(t *testing.T) {
	expand := func(scale int64) *khepriv1.ExpandResponse {
		return Expand(&khepriv1.ExpandRequest{Backend: "docker", Compositions: map[string]*khepriv1.Composition{
			"app": {Services: map[string]*khepriv1.Service{"worker": {Image: "busybox", Scale: &scale}}},
		}})
	}
	resp := expand(MaxScale)
	assert.Empty(t, resp.GetDiagnostics())
	assert.Len(t, resp.GetContainers(), MaxScale)
	assert.Contains(t, resp.GetContainers(), "app-worker-100")

	resp = expand(MaxScale + 1)
	require.Len(t, resp.GetDiagnostics(), 1)
	assert.Equal(t, "khepri.compositions.app.services.worker.scale", resp.GetDiagnostics()[0].GetPath())
	assert.Contains(t, resp.GetDiagnostics()[0].GetMessage(), "scale = 101 is more than khepri runs of one service, at most 100")
	assert.Empty(t, resp.GetContainers())
}

func TestArgumentLimit(t *testing.T) {
	big := strings.Repeat("v", 200_000)
	tests := []struct {
		name     string
		svc      *khepriv1.Service
		networks map[string]*khepriv1.Network
		wantPath string
		wantMsg  string
	}{
		{
			name:     "environment value",
			svc:      &khepriv1.Service{Environment: structpb.NewStructValue(&structpb.Struct{Fields: map[string]*structpb.Value{"CERT": structpb.NewStringValue(big)}})},
			wantPath: "khepri.compositions.app.services.web.environment.CERT",
			wantMsg:  `"CERT=vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"… is 200006 bytes as one argument (with its terminating NUL), over the kernel's limit of 131072 (MAX_ARG_STRLEN)`,
		},
		{
			name:     "label",
			svc:      &khepriv1.Service{Labels: map[string]string{"note": big}},
			wantPath: "khepri.compositions.app.services.web.labels.note",
			wantMsg:  "set it in a labelFile",
		},
		{
			name:     "command word",
			svc:      &khepriv1.Service{Command: structpb.NewListValue(&structpb.ListValue{Values: []*structpb.Value{structpb.NewStringValue("sh"), structpb.NewStringValue(big)}})},
			wantPath: "khepri.compositions.app.services.web.command",
			wantMsg:  "put the script in a file",
		},
		{
			name:     "run flag",
			svc:      &khepriv1.Service{Healthcheck: &khepriv1.Healthcheck{Test: structpb.NewStringValue(big)}},
			wantPath: "khepri.compositions.app.services.web",
			wantMsg:  `"--health-cmd=`,
		},
		{
			name:     "hook",
			svc:      &khepriv1.Service{PostStart: []*khepriv1.LifecycleHook{{Command: structpb.NewStringValue("echo " + big)}}},
			wantPath: "khepri.compositions.app.services.web.postStart[0]",
			wantMsg:  `"vvvv`,
		},
		{
			name:     "network label",
			svc:      &khepriv1.Service{Networks: map[string]*khepriv1.ServiceNetwork{"front": {}}},
			networks: map[string]*khepriv1.Network{"front": {Labels: map[string]string{"note": big}}},
			wantPath: "khepri.compositions.app.networks.front.labels.note",
			wantMsg:  `"note=vvvv`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.svc.Image = "busybox"
			resp := Expand(&khepriv1.ExpandRequest{Backend: "docker", Compositions: map[string]*khepriv1.Composition{
				"app": {Services: map[string]*khepriv1.Service{"web": tt.svc}, Networks: tt.networks},
			}})
			require.Len(t, resp.GetDiagnostics(), 1, "%v", resp.GetDiagnostics())
			assert.Equal(t, tt.wantPath, resp.GetDiagnostics()[0].GetPath())
			assert.Contains(t, resp.GetDiagnostics()[0].GetMessage(), tt.wantMsg)
		})
	}

	fits := strings.Repeat("v", 131072-len("CERT=")-1)
	resp := Expand(&khepriv1.ExpandRequest{Backend: "podman", Compositions: map[string]*khepriv1.Composition{
		"app": {Services: map[string]*khepriv1.Service{"web": {Image: "busybox", Environment: structpb.NewStructValue(&structpb.Struct{Fields: map[string]*structpb.Value{"CERT": structpb.NewStringValue(fits)}})}}},
	}})
	assert.Empty(t, resp.GetDiagnostics())
}
