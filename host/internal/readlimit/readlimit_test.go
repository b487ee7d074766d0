package readlimit_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/khepri-nix/khepri/host/internal/readlimit"
)

func writeFile(t *testing.T, size int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(path, make([]byte, size), 0o644))
	return path
}

func TestFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		path    string
		want    int
		wantErr string
	}{
		{name: "at the limit", path: writeFile(t, 100), want: 100},
		{name: "empty", path: writeFile(t, 0), want: 0},
		{name: "regular file over the limit", path: writeFile(t, 101), wantErr: "manifest %s is larger than 100 bytes, the most khepri reads"},
		{name: "endless device", path: "/dev/zero", wantErr: "manifest %s is larger than 100 bytes, the most khepri reads"},
		{name: "missing", path: "/does/not/exist", wantErr: "open %s: no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data, err := readlimit.File(context.Background(), "manifest", tt.path, 100)
			if tt.wantErr != "" {
				assert.EqualError(t, err, fmt.Sprintf(tt.wantErr, tt.path))
				assert.Nil(t, data)
				return
			}
			require.NoError(t, err)
			assert.Len(t, data, tt.want)
		})
	}
}

func TestFileTooLargeIsTyped(t *testing.T) {
	t.Parallel()
	_, err := readlimit.File(context.Background(), "manifest", "/dev/zero", readlimit.MiB)
	var tooLarge *readlimit.TooLargeError
	require.ErrorAs(t, err, &tooLarge)
	assert.Equal(t, int64(readlimit.MiB), tooLarge.Limit)
	assert.EqualError(t, err, "manifest /dev/zero is larger than 1 MiB, the most khepri reads")
}

// TestFileAbandonsBlockedRead opens a FIFO that nobody writes: the open blocks in the
// kernel, and only the context can end the wait.
func TestFileAbandonsBlockedRead(t *testing.T) {
	t.Parallel()
	fifo := filepath.Join(t.TempDir(), "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	ctx, cancel := context.WithCancelCause(context.Background())
	stopped := errors.New("terminated signal received")
	time.AfterFunc(100*time.Millisecond, func() { cancel(stopped) })

	_, err := readlimit.File(ctx, "manifest", fifo, 100)

	assert.ErrorIs(t, err, stopped)
	// Let the abandoned open finish, so that the test leaves no goroutine behind.
	w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
	require.NoError(t, err)
	require.NoError(t, w.Close())
}

func TestCheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	tests := []struct {
		name    string
		path    string
		wantErr string
	}{
		{name: "small regular file", path: writeFile(t, 10)},
		{name: "directory, for the reader to report", path: dir},
		{name: "missing, for the reader to report", path: filepath.Join(dir, "nope")},
		{name: "large regular file", path: writeFile(t, 2*readlimit.MiB+1), wantErr: "compose file %s is larger than 2 MiB, the most khepri reads"},
		{name: "empty device", path: "/dev/null"},
		{name: "endless device", path: "/dev/zero", wantErr: "compose file %s is larger than 2 MiB, the most khepri reads"},
		{name: "FIFO", path: fifo, wantErr: "compose file %s is a FIFO, not a regular file (khepri reads regular files of at most 2 MiB)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := readlimit.Check("compose file", tt.path, 2*readlimit.MiB)
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			assert.EqualError(t, err, fmt.Sprintf(tt.wantErr, tt.path))
		})
	}
}

func TestSize(t *testing.T) {
	t.Parallel()
	for give, want := range map[int64]string{
		4 * readlimit.MiB: "4 MiB",
		512 << 10:         "512 KiB",
		100:               "100 bytes",
		readlimit.MiB + 1: "1048577 bytes",
	} {
		assert.Equal(t, want, readlimit.Size(give))
	}
}

func TestReader(t *testing.T) {
	data, err := readlimit.Reader(context.Background(), "request", "standard input", strings.NewReader("12345"), 5)
	require.NoError(t, err)
	assert.Equal(t, "12345", string(data))

	_, err = readlimit.Reader(context.Background(), "request", "standard input", strings.NewReader("123456"), 5)
	var tooLarge *readlimit.TooLargeError
	require.ErrorAs(t, err, &tooLarge)
	assert.Equal(t, "standard input", tooLarge.Path)

	// A read that never returns is abandoned when the context ends.
	blocked, _ := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = readlimit.Reader(ctx, "request", "standard input", blocked, 5)
	assert.ErrorIs(t, err, context.Canceled)
}
