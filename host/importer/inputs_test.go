package importer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const smallCompose = "services:\n  web:\n    image: nginx\n"

// sparse makes a file of size bytes that takes no disk space.
func sparse(t *testing.T, path string, size int64) string {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(size))
	require.NoError(t, f.Close())
	return path
}

// TestImportRefusesLargeAndSpecialFiles checks the size limits of the files compose-go
// reads whole: each message names the file and the limit, and nothing is read past it.
func TestImportRefusesLargeAndSpecialFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		setup   func(t *testing.T, dir string, opts *Options)
		wantErr string // @DIR@ is the project directory
	}{
		{
			name:    "endless device as the compose file",
			setup:   func(_ *testing.T, _ string, o *Options) { o.Files = []string{"/dev/zero"} },
			wantErr: "compose file /dev/zero is larger than 4 MiB, the most khepri reads",
		},
		{
			name: "compose file over the limit",
			setup: func(t *testing.T, dir string, o *Options) {
				o.Files = []string{sparse(t, filepath.Join(dir, "big.yaml"), MaxComposeFileSize+1)}
			},
			wantErr: "compose file @DIR@/big.yaml is larger than 4 MiB, the most khepri reads",
		},
		{
			name: "override file over the limit",
			setup: func(t *testing.T, dir string, o *Options) {
				o.Files = append(o.Files, sparse(t, filepath.Join(dir, "override.yaml"), MaxComposeFileSize+1))
			},
			wantErr: "compose file @DIR@/override.yaml is larger than 4 MiB, the most khepri reads",
		},
		{
			name: "FIFO as the compose file",
			setup: func(t *testing.T, dir string, o *Options) {
				fifo := filepath.Join(dir, "fifo.yaml")
				require.NoError(t, syscall.Mkfifo(fifo, 0o600))
				o.Files = []string{fifo}
			},
			wantErr: "compose file @DIR@/fifo.yaml is a FIFO, not a regular file (khepri reads regular files of at most 4 MiB)",
		},
		{
			name:    "endless device as --env-file",
			setup:   func(_ *testing.T, _ string, o *Options) { o.EnvFiles = []string{"/dev/zero"} },
			wantErr: "environment file /dev/zero is larger than 4 MiB, the most khepri reads",
		},
		{
			name: "the project's .env over the limit",
			setup: func(t *testing.T, dir string, _ *Options) {
				sparse(t, filepath.Join(dir, ".env"), MaxEnvFileSize+1)
			},
			wantErr: "environment file @DIR@/.env is larger than 4 MiB, the most khepri reads",
		},
		{
			name:  "--env-file /dev/null, compose's way to read no .env",
			setup: func(_ *testing.T, _ string, o *Options) { o.EnvFiles = []string{os.DevNull} },
		},
		{
			name: "compose file at the limit",
			setup: func(t *testing.T, dir string, o *Options) {
				path := filepath.Join(dir, "padded.yaml")
				pad := MaxComposeFileSize - len(smallCompose)
				require.NoError(t, os.WriteFile(path, []byte(smallCompose+strings.Repeat("#", pad-1)+"\n"), 0o644))
				o.Files = []string{path}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			compose := filepath.Join(dir, "compose.yaml")
			require.NoError(t, os.WriteFile(compose, []byte(smallCompose), 0o644))
			opts := Options{Files: []string{compose}, Env: []string{}}
			tt.setup(t, dir, &opts)

			res, err := Import(context.Background(), opts)

			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.Contains(t, string(res.Nix), `image = "nginx";`)
				return
			}
			assert.EqualError(t, err, strings.ReplaceAll(tt.wantErr, "@DIR@", dir))
			assert.Nil(t, res)
		})
	}
}

// TestImportReturnsOnCancel includes a FIFO that nobody writes: compose-go blocks
// opening it, and only the context ends the import.
func TestImportReturnsOnCancel(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "included.yaml")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	compose := filepath.Join(dir, "compose.yaml")
	require.NoError(t, os.WriteFile(compose, []byte("include:\n  - included.yaml\n"+smallCompose), 0o644))
	ctx, cancel := context.WithCancelCause(context.Background())
	stopped := errors.New("interrupt signal received")

	type result struct{ err error }
	done := make(chan result, 1)
	go func() {
		_, err := Import(ctx, Options{Files: []string{compose}, Env: []string{}})
		done <- result{err}
	}()
	writer := openWhenRead(t, fifo)
	cancel(stopped)

	select {
	case r := <-done:
		assert.ErrorIs(t, r.err, stopped)
	case <-time.After(time.Minute):
		t.Fatal("Import did not return after its context was canceled")
	}
	// Let the abandoned load finish, so that it gives logrus back to the other tests.
	// compose-go opens an included file more than once, and an open of a FIFO without a
	// writer blocks for ever: a regular file takes the FIFO's place while the writer
	// still holds it (so an open already under way does not block), then the writer
	// writes and closes.
	replacement := filepath.Join(dir, "included.yaml.new")
	require.NoError(t, os.WriteFile(replacement, []byte("services: {}\n"), 0o644))
	require.NoError(t, os.Rename(replacement, fifo))
	_, err := writer.WriteString("services: {}\n")
	require.NoError(t, err)
	require.NoError(t, writer.Close())
	// Returns once the abandoned load has given logrus back.
	captureWarnings().stop()
}

// openWhenRead opens fifo for writing once a reader has it open, polling: a
// non-blocking open for writing fails with ENXIO until then.
func openWhenRead(t *testing.T, fifo string) *os.File {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0)
		if err == nil {
			return f
		}
		if !errors.Is(err, syscall.ENXIO) || time.Now().After(deadline) {
			t.Fatalf("nobody opened %s for reading: %v", fifo, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
