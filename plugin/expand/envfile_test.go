package expand

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/structpb"
	"mvdan.cc/sh/v3/syntax"

	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// TestHostileEnvFiles puts hostile values in the environment and the env file paths
// that the container unit's preStart hands to `khepri env-file`: each must reach the
// command as one argument, exactly.
func TestHostileEnvFiles(t *testing.T) {
	path := "/run/secrets/" + hostile[0] + " " + hostile[2]
	long, err := structpb.NewStruct(map[string]any{"path": "/srv/" + hostile[4], "required": false, "format": "raw"})
	require.NoError(t, err)
	env, err := structpb.NewValue(map[string]any{"A": hostile[1], "B": hostile[5], "C": hostile[9]})
	require.NoError(t, err)
	for _, tt := range []struct{ backend, out string }{
		{"docker", "/run/khepri/hostile-probe/env"},
		{"podman", "/run/hostile-probe/khepri.env"},
	} {
		t.Run(tt.backend, func(t *testing.T) {
			resp := Expand(&khepriv1.ExpandRequest{
				Backend: tt.backend,
				Compositions: map[string]*khepriv1.Composition{"hostile": {Services: map[string]*khepriv1.Service{
					"probe": {
						Image:       "khepri-test/probe:1",
						Environment: env,
						EnvFile:     []*structpb.Value{structpb.NewStringValue(path), structpb.NewStructValue(long)},
					},
				}}},
			})
			require.Empty(t, resp.GetDiagnostics())
			assert.Equal(t, []string{tt.out}, resp.GetContainers()["hostile-probe"].GetEnvironmentFiles())
			unit := resp.GetContainerUnits()[tt.backend+"-hostile-probe"]
			require.NotNil(t, unit)
			assert.Equal(t, [][]string{{
				"khepri", "env-file", "--out", tt.out,
				"--env", "A=" + hostile[1], "--env", "B=" + hostile[5], "--env", "C=" + hostile[9],
				"--file", path, "--optional-raw-file", "/srv/" + hostile[4],
			}}, scriptCalls(t, unit.GetPreStart(), func(args []*syntax.Word) bool { return len(args) > 0 }))
		})
	}
}
