package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadManifestMissingFileSaysWhatToDo(t *testing.T) {
	_, err := readManifest(context.Background(), filepath.Join(t.TempDir(), "manifest.json"))
	require.ErrorIs(t, err, errNoManifest)
	assert.Contains(t, err.Error(), "khepri.cli.enable")

	data, err := os.ReadFile("testdata/paperless.manifest.json")
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "m.json")
	require.NoError(t, os.WriteFile(path, data, 0o644))
	m, err := readManifest(context.Background(), path)
	require.NoError(t, err)
	assert.NotEmpty(t, m.Compositions["paperless"].Services)
}
