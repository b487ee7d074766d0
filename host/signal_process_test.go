package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/khepri-nix/khepri/host/internal/plugintest"
)

// TestSignalStopsBlockedCommand runs commands that block reading a FIFO nobody writes
// and wants Ctrl-C and SIGTERM to end them: the signal context must not swallow the
// signal while a read ignores it.
func TestSignalStopsBlockedCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// args are the command's arguments; FIFO is replaced by the FIFO's path and DIR by
		// its directory.
		args []string
		fifo string // the FIFO's name
		// compose, when set, is written as DIR/compose.yaml.
		compose string
	}{
		{name: "ps reading the manifest", args: []string{"ps", "--manifest", "FIFO"}, fifo: "manifest.json"},
		{
			name:    "import reading an included file",
			args:    []string{"import", "-f", "DIR/compose.yaml"},
			fifo:    "included.yaml",
			compose: "include:\n  - included.yaml\nservices:\n  web:\n    image: nginx\n",
		},
	}
	for _, tt := range tests {
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
			t.Run(tt.name+"/"+sig.String(), func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				fifo := filepath.Join(dir, tt.fifo)
				require.NoError(t, syscall.Mkfifo(fifo, 0o600))
				if tt.compose != "" {
					require.NoError(t, os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(tt.compose), 0o644))
				}
				args := make([]string, len(tt.args))
				for i, a := range tt.args {
					args[i] = map[string]string{"FIFO": fifo, "DIR/compose.yaml": filepath.Join(dir, "compose.yaml")}[a]
					if args[i] == "" {
						args[i] = a
					}
				}
				cmd, stderr := startKhepri(t, args...)
				writer := openWhenRead(t, fifo)
				defer writer.Close()

				require.NoError(t, cmd.Process.Signal(sig))
				code := waitExit(t, cmd, time.Minute)

				assert.Equal(t, 1, code)
				assert.Equal(t, "khepri: "+sig.String()+" signal received\n", stderr.String())
			})
		}
	}
}

// startKhepri starts the test binary as the khepri command.
func startKhepri(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	self, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.Command(self, args...)
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	return cmd, &stderr
}

// waitExit waits up to bound for cmd to exit and returns its exit code; a command still
// running then is killed and fails the test. The bound is generous: it only tells a
// command that stops from one that never does, on however busy a machine.
func waitExit(t *testing.T, cmd *exec.Cmd, bound time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return exitErr.ExitCode()
		}
		require.NoError(t, err)
		return 0
	case <-time.After(bound):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("khepri %v still ran after %s", cmd.Args[1:], bound)
		return -1
	}
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

// TestSignalStopsExpand interrupts `khepri expand` while its plugin hangs: the command
// ends at once, not after --timeout, and takes the plugin with it.
func TestSignalStopsExpand(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			pidFile := filepath.Join(dir, "plugin.pid")
			plugin := plugintest.Script(t, "echo $$ >"+pidFile+".tmp && mv "+pidFile+".tmp "+pidFile+"\nexec "+plugintest.Path(t, plugintest.Hang))
			cmd, stderr := startKhepri(t, "expand", "--plugin", plugin, "--request", writeRequest(t, tinyRequest), "--timeout", "1h")
			pid := waitPIDFile(t, pidFile)

			require.NoError(t, cmd.Process.Signal(sig))
			code := waitExit(t, cmd, time.Minute)

			assert.Equal(t, 1, code)
			// The signal may come during the handshake or during Expand.
			assert.Regexp(t, `^khepri: (expander plugin \S+: Expand: )?`+sig.String()+` signal received\n$`, stderr.String())
			plugintest.AssertGone(t, pid, "the plugin")
		})
	}
}

// waitPIDFile waits for a script to have written its process id to path.
func waitPIDFile(t *testing.T, path string) int {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		if _, err := os.Stat(path); err == nil {
			return plugintest.ReadPID(t, path)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s after a minute", path)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
