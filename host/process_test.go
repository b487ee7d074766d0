package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/khepri-nix/khepri/host/internal/plugintest"
)

// khepri runs the test binary as the khepri command with env added to the
// environment, and returns its stdout, stderr and exit code.
func khepri(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	self, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.Command(self, args...)
	cmd.Env = append(append(os.Environ(), runMainEnv+"=1"), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

// TestExpandProcessFaults runs `khepri expand` against real go-plugin processes that
// misbehave, and checks the one line each leaves in the build log.
func TestExpandProcessFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		give       string // plugintest name
		args       []string
		wantStderr string // %s is the plugin path
	}{
		{
			name:       "protocol version mismatch",
			give:       plugintest.Version,
			wantStderr: "khepri: expander plugin %s speaks protocol version 99; this khepri speaks version 3\n",
		},
		{
			name:       "crash inside Expand",
			give:       plugintest.Crash,
			wantStderr: "khepri: expander plugin %s exited during Expand (exit status 3)\n",
		},
		{
			name:       "hang inside Expand",
			give:       plugintest.Hang,
			args:       []string{"--timeout", "2s"},
			wantStderr: "khepri: expander plugin %s timed out after 2s in Expand\n",
		},
		{
			name:       "stopped with SIGSTOP inside Expand",
			give:       plugintest.Stop,
			args:       []string{"--timeout", "2s"},
			wantStderr: "khepri: expander plugin %s timed out after 2s in Expand\n",
		},
		{
			name:       "panic inside Expand: one line, no stack",
			give:       plugintest.Panic,
			wantStderr: "khepri: expander plugin %s crashed during Expand: panic: the test plugin panics on purpose\n",
		},
		{
			name:       "empty response",
			give:       plugintest.Empty,
			wantStderr: "khepri: expander plugin %s returned neither a target nor an error diagnostic for composition demo; is it a khepri expander plugin of this version?\n",
		},
		{
			name:       "missing plugin",
			give:       "",
			wantStderr: "khepri: expander plugin %s not found\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			plugin := filepath.Join(dir, "missing-plugin")
			if tt.give != "" {
				plugin = plugintest.Path(t, tt.give)
			}
			out := filepath.Join(dir, "out")
			args := append([]string{"expand", "--plugin", plugin, "--request", writeRequest(t, tinyRequest), "--out", out}, tt.args...)

			stdout, stderr, code := khepri(t, nil, args...)
			// The timeout covers the handshake too, which a busy machine may spend it on.
			for try := 0; try < 3 && strings.Contains(stderr, "did not complete the go-plugin handshake within"); try++ {
				stdout, stderr, code = khepri(t, nil, args...)
			}

			assert.Equal(t, 1, code)
			assert.Equal(t, fmt.Sprintf(tt.wantStderr, plugin), stderr)
			assert.Empty(t, stdout)
			assert.NoFileExists(t, out, "a failed build leaves no output")
		})
	}
}

func TestExpandProcessFixedPlugin(t *testing.T) {
	t.Parallel()
	plugin := plugintest.Path(t, plugintest.Fixed)
	request := writeRequest(t, tinyRequest)

	t.Run("--plugin and --out", func(t *testing.T) {
		t.Parallel()
		out := filepath.Join(t.TempDir(), "out")
		stdout, stderr, code := khepri(t, nil, "expand", "--plugin", plugin, "--request", request, "--out", out)
		require.Equal(t, 0, code, stderr)
		assert.Empty(t, stdout)
		assert.Empty(t, stderr, "a good run keeps the build log quiet")
		data, err := os.ReadFile(out)
		require.NoError(t, err)
		assert.Equal(t, "nginx:1.27", containerImage(t, data, "demo-web"))
	})

	t.Run("a plugin whose stderr holds log lines", func(t *testing.T) {
		t.Parallel()
		noisy := plugintest.Path(t, plugintest.Noisy)
		stdout, stderr, code := khepri(t, nil, "expand", "--plugin", noisy, "--request", request)
		require.Equal(t, 0, code, stderr)
		assert.Empty(t, stderr, "go-plugin's log records stay out of the build log")
		assert.Equal(t, "nginx:1.27", containerImage(t, []byte(stdout), "demo-web"))
	})

	t.Run("KHEPRI_PLUGIN and stdout", func(t *testing.T) {
		t.Parallel()
		stdout, stderr, code := khepri(t, []string{pluginEnv + "=" + plugin}, "expand", "--request", request)
		require.Equal(t, 0, code, stderr)
		assert.Equal(t, "nginx:1.27", containerImage(t, []byte(stdout), "demo-web"))
	})
}

// TestExpandProcessRealPlugin runs the host against the real expander built from
// ./plugin: the pair that ships together must talk.
func TestExpandProcessRealPlugin(t *testing.T) {
	t.Parallel()
	plugin := plugintest.Path(t, plugintest.Real)
	out := filepath.Join(t.TempDir(), "out")

	_, stderr, code := khepri(t, nil, "expand", "--plugin", plugin, "--request", writeRequest(t, tinyRequest), "--out", out)

	require.Equal(t, 0, code, stderr)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "nginx:1.27", containerImage(t, data, "demo-web"))
}

func TestVersionProcess(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := khepri(t, nil, "version")
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, `^khepri \S+ \(expander protocol 3\)\n$`, stdout)
}

func TestUsageErrorProcess(t *testing.T) {
	t.Parallel()
	_, stderr, code := khepri(t, nil, "expand", "--plugin", "/p")
	assert.Equal(t, 1, code)
	assert.Equal(t, "khepri: required flag(s) \"request\" not set\n", stderr)
}

// containerImage reads containers.<name>.image from a response.
func containerImage(t *testing.T, data []byte, name string) string {
	t.Helper()
	var resp struct {
		Containers map[string]struct {
			Image string `json:"image"`
		} `json:"containers"`
	}
	require.NoError(t, json.Unmarshal(data, &resp), string(data))
	require.Contains(t, resp.Containers, name, string(data))
	return resp.Containers[name].Image
}

// TestExpandProcessGoldens runs every golden request of the plugin through the khepri
// command and the real plugin process and wants the plugin's golden bytes: what lands
// in $out is exactly what the plugin's own tests pin down, transport and all.
func TestExpandProcessGoldens(t *testing.T) {
	t.Parallel()
	plugin := plugintest.Path(t, plugintest.Real)
	requests, err := filepath.Glob(filepath.Join("..", "plugin", "expand", "testdata", "*.request.json"))
	require.NoError(t, err)
	require.NotEmpty(t, requests, "no golden requests under plugin/expand/testdata")

	for _, file := range requests {
		name := strings.TrimSuffix(filepath.Base(file), ".request.json")
		for _, backend := range []string{"docker", "podman"} {
			t.Run(name+"/"+backend, func(t *testing.T) {
				t.Parallel()
				data, err := os.ReadFile(file)
				require.NoError(t, err)
				var req map[string]any
				require.NoError(t, json.Unmarshal(data, &req))
				req["backend"] = backend // golden requests leave it to the test
				data, err = json.Marshal(req)
				require.NoError(t, err)
				want, err := os.ReadFile(strings.TrimSuffix(file, ".request.json") + "." + backend + ".json")
				require.NoError(t, err)
				out := filepath.Join(t.TempDir(), "out")

				_, stderr, code := khepri(t, nil, "expand", "--plugin", plugin, "--request", writeRequest(t, string(data)), "--out", out)

				require.Equal(t, 0, code, stderr)
				got, err := os.ReadFile(out)
				require.NoError(t, err)
				assert.Equal(t, string(want), string(got))
			})
		}
	}
}
