package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteFileAtomic(t *testing.T) {
	t.Run("writes and replaces", func(t *testing.T) {
		dir := t.TempDir()
		out := filepath.Join(dir, "out")
		require.NoError(t, os.WriteFile(out, []byte("old"), 0o644))

		require.NoError(t, writeFileAtomic(out, []byte("new\n")))

		got, err := os.ReadFile(out)
		require.NoError(t, err)
		assert.Equal(t, "new\n", string(got))
		assert.Equal(t, []string{"out"}, dirNames(t, dir), "no temporary file left")
	})

	tests := []struct {
		name    string
		setup   func(t *testing.T, dir string) string // returns the output path
		wantErr string
	}{
		{
			name: "directory missing",
			setup: func(_ *testing.T, dir string) string {
				return filepath.Join(dir, "missing", "out")
			},
			wantErr: "no such file or directory",
		},
		{
			name: "rename fails: output is a non-empty directory",
			setup: func(t *testing.T, dir string) string {
				out := filepath.Join(dir, "out")
				require.NoError(t, os.MkdirAll(filepath.Join(out, "x"), 0o755))
				return out
			},
			wantErr: "file exists",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			out := tt.setup(t, dir)
			before := dirNames(t, dir)

			err := writeFileAtomic(out, []byte("data"))

			require.Error(t, err)
			assert.Contains(t, err.Error(), "write "+out+": ")
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Equal(t, before, dirNames(t, dir), "failure leaves the directory as it was")
		})
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	names := []string{}
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
