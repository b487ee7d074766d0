package main

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/khepri-nix/khepri/proto/khepri/manifest"
)

// TestManifestFixturesAreThePluginsOwn holds the command tests' manifests to the ones the
// plugin writes into its golden responses, which the NixOS module writes as they are.
func TestManifestFixturesAreThePluginsOwn(t *testing.T) {
	archive, err := txtar.ParseFile("testdata/cli/scale.txtar")
	require.NoError(t, err)
	var scale []byte
	for _, f := range archive.Files {
		if f.Name == "manifest.json" {
			scale = f.Data
		}
	}
	paperless, err := os.ReadFile("testdata/paperless.manifest.json")
	require.NoError(t, err)

	for _, tt := range []struct {
		golden  string
		fixture []byte
	}{
		{"../plugin/expand/testdata/paperless.docker.json", paperless},
		{"../plugin/expand/testdata/scale.docker.json", scale},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			data, err := os.ReadFile(tt.golden)
			require.NoError(t, err)
			var resp struct {
				Manifest json.RawMessage `json:"manifest"`
			}
			require.NoError(t, json.Unmarshal(data, &resp))
			want, err := manifest.Parse(resp.Manifest)
			require.NoError(t, err)
			have, err := manifest.Parse(tt.fixture)
			require.NoError(t, err)
			assert.Equal(t, want, have)
			assert.NotEmpty(t, have.Compositions)
		})
	}
}
