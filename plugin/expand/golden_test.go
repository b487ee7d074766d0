package expand

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/khepri-nix/khepri/proto/khepri/canonjson"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

var update = flag.Bool("update", false, "rewrite the golden responses in testdata")

// goldenCases lists testdata/<case>.request.json. A request file has no backend: every
// case is expanded for both, into <case>.docker.json and <case>.podman.json.
func goldenCases(t testing.TB) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.request.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	cases := map[string]string{}
	for _, f := range files {
		cases[strings.TrimSuffix(filepath.Base(f), ".request.json")] = f
	}
	return cases
}

func readRequest(t testing.TB, file string) *khepriv1.ExpandRequest {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	req := &khepriv1.ExpandRequest{}
	require.NoError(t, protojson.Unmarshal(data, req), file)
	return req
}

func TestGolden(t *testing.T) {
	for name, file := range goldenCases(t) {
		for _, backend := range []string{"docker", "podman"} {
			t.Run(name+"/"+backend, func(t *testing.T) {
				req := readRequest(t, file)
				require.Empty(t, req.GetBackend(), "%s: a golden request has no backend; the test sets it", file)
				req.Backend = backend
				got, err := canonjson.Marshal(Expand(req))
				require.NoError(t, err)

				want := filepath.Join("testdata", name+"."+backend+".json")
				if *update {
					require.NoError(t, os.WriteFile(want, got, 0o644))
				}
				wantBytes, err := os.ReadFile(want)
				require.NoError(t, err, "run go test ./plugin/... -update to create it")
				assert.Equal(t, string(wantBytes), string(got))

				again, err := canonjson.Marshal(Expand(req))
				require.NoError(t, err)
				assert.Equal(t, string(got), string(again), "expansion is not deterministic")
			})
		}
	}
}
