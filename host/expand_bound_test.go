package main

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/khepri-nix/khepri/host/internal/plugintest"
)

// TestExpandProcessBoundedByTimeout runs `khepri expand` against plugins that are shell
// scripts starting a child which holds go-plugin's pipes open, and wants the command to
// end within its --timeout, plus a margin that only tells "ends" from "hangs" on a busy
// machine, with one line of stderr and the child gone (issue 12).
func TestExpandProcessBoundedByTimeout(t *testing.T) {
	t.Parallel()
	hang := plugintest.Path(t, plugintest.Hang)
	tests := []struct {
		name string
		// body runs after `sleep 600 &` has started the child.
		body       string
		timeout    string
		wantStderr string // a regexp; %s is the plugin path, quoted
	}{
		{
			name:    "plugin hangs in Expand",
			body:    "exec " + hang,
			timeout: "5s",
			// A machine busy enough to spend the timeout on the handshake ends there.
			wantStderr: `^khepri: expander plugin %s (timed out after 5s in Expand|did not complete the go-plugin handshake within 5s)\n$`,
		},
		{
			name:       "plugin never completes the handshake",
			body:       "sleep 600",
			timeout:    "2s",
			wantStderr: `^khepri: expander plugin %s did not complete the go-plugin handshake within 2s\n$`,
		},
		{
			name:       "plugin prints something else than the handshake",
			body:       "echo hello; sleep 600",
			timeout:    "5s",
			wantStderr: `^khepri: expander plugin %s did not complete the go-plugin handshake: it printed "hello"; is it a khepri expander plugin\?\n$`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			childPID := filepath.Join(dir, "child.pid")
			plugin := plugintest.Script(t, "sleep 600 & echo $! >"+childPID+"\n"+tt.body)
			timeout, err := time.ParseDuration(tt.timeout)
			if err != nil {
				t.Fatal(err)
			}
			args := []string{"expand", "--plugin", plugin, "--request", writeRequest(t, tinyRequest), "--out", filepath.Join(dir, "out"), "--timeout", tt.timeout}

			cmd, stderr := startKhepri(t, args...)
			code := waitExit(t, cmd, timeout+time.Minute)

			assert.Equal(t, 1, code)
			assert.Regexp(t, regexp.MustCompile(fmt.Sprintf(tt.wantStderr, regexp.QuoteMeta(plugin))), stderr.String())
			assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one line")
			assert.NoFileExists(t, filepath.Join(dir, "out"))
			plugintest.AssertGone(t, plugintest.ReadPID(t, childPID), "the plugin script's child")
		})
	}
}
