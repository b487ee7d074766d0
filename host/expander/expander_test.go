package expander_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/khepri-nix/khepri/host/expander"
	"github.com/khepri-nix/khepri/host/internal/plugintest"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

func TestMain(m *testing.M) { plugintest.Main(m) }

func tinyRequest() *khepriv1.ExpandRequest {
	return &khepriv1.ExpandRequest{
		Backend: "docker",
		Compositions: map[string]*khepriv1.Composition{
			"demo": {Services: map[string]*khepriv1.Service{"web": {Image: "nginx:1.27"}}},
		},
	}
}

func TestExpand(t *testing.T) {
	t.Parallel()
	path := plugintest.Path(t, plugintest.Fixed)

	c, err := expander.Open(context.Background(), path, expander.Options{})
	require.NoError(t, err)
	resp, err := c.Expand(context.Background(), tinyRequest())
	require.NoError(t, err)
	require.NoError(t, c.Close())
	require.NoError(t, c.Close(), "Close twice")

	require.Contains(t, resp.GetContainers(), "demo-web")
	assert.Equal(t, "nginx:1.27", resp.GetContainers()["demo-web"].GetImage())
}

func TestOpenFaults(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notExec := filepath.Join(dir, "not-exec")
	require.NoError(t, os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o644))
	version := plugintest.Path(t, plugintest.Version)

	tests := []struct {
		name     string
		give     string
		wantErr  string
		wantKind error
	}{
		{
			name:     "missing",
			give:     filepath.Join(dir, "nope"),
			wantErr:  "expander plugin " + filepath.Join(dir, "nope") + " not found",
			wantKind: expander.ErrNotFound,
		},
		{
			name:     "not executable",
			give:     notExec,
			wantErr:  "expander plugin " + notExec + " is not executable",
			wantKind: expander.ErrNotExecutable,
		},
		{
			name:     "directory",
			give:     dir,
			wantErr:  "expander plugin " + dir + " is a directory, not an executable",
			wantKind: expander.ErrNotExecutable,
		},
		{
			name:     "protocol version mismatch",
			give:     version,
			wantErr:  "expander plugin " + version + " speaks protocol version 99; this khepri speaks version 3",
			wantKind: expander.ErrProtocolMismatch,
		},
		{
			name:     "prints something else than the handshake, then waits",
			give:     plugintest.Script(t, "echo hello; sleep 600"),
			wantErr:  `expander plugin %s did not complete the go-plugin handshake: it printed "hello"; is it a khepri expander plugin?`,
			wantKind: expander.ErrHandshake,
		},
		{
			name:     "says why and exits before the handshake",
			give:     plugintest.Script(t, "echo 'cannot load libfoo.so' >&2; exit 2"),
			wantErr:  "expander plugin %s exited before the handshake (exit status 2): cannot load libfoo.so; is it a khepri expander plugin?",
			wantKind: expander.ErrExited,
		},
		{
			name:     "never completes the handshake",
			give:     plugintest.Script(t, "sleep 600"),
			wantErr:  "expander plugin %s did not complete the go-plugin handshake within 500ms",
			wantKind: expander.ErrTimeout,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := expander.Open(context.Background(), tt.give, expander.Options{Timeout: 500 * time.Millisecond})
			require.Error(t, err)
			assert.Nil(t, c)
			assert.EqualError(t, err, strings.ReplaceAll(tt.wantErr, "%s", tt.give))
			assert.ErrorIs(t, err, tt.wantKind)
		})
	}
}

func TestExpandFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		give     string
		wantErr  string
		wantKind error
	}{
		{
			name:     "crash",
			give:     plugintest.Crash,
			wantErr:  "expander plugin %s exited during Expand (exit status 3)",
			wantKind: expander.ErrExited,
		},
		{
			name:     "plugin returns an error",
			give:     plugintest.Fail,
			wantErr:  "expander plugin %s: Expand: the test plugin fails on purpose",
			wantKind: nil,
		},
		{
			name:     "hang",
			give:     plugintest.Hang,
			wantErr:  "expander plugin %s timed out after 300ms in Expand",
			wantKind: expander.ErrTimeout,
		},
		{
			name:     "stopped with SIGSTOP",
			give:     plugintest.Stop,
			wantErr:  "expander plugin %s timed out after 300ms in Expand",
			wantKind: expander.ErrTimeout,
		},
		{
			name:     "panic: its first line, not the stack",
			give:     plugintest.Panic,
			wantErr:  "expander plugin %s crashed during Expand: panic: the test plugin panics on purpose",
			wantKind: expander.ErrCrashed,
		},
		{
			name:     "empty response",
			give:     plugintest.Empty,
			wantErr:  "expander plugin %s returned neither a target nor an error diagnostic for composition demo; is it a khepri expander plugin of this version?",
			wantKind: expander.ErrBadResponse,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := plugintest.Path(t, tt.give)
			var stderr bytes.Buffer
			c, err := openBefore(t, path, 300*time.Millisecond, &stderr)
			require.NoError(t, err)
			t.Cleanup(func() { _ = c.Close() })

			resp, err := c.Expand(context.Background(), tinyRequest())
			assert.Nil(t, resp)
			assert.EqualError(t, err, fmt.Sprintf(tt.wantErr, path))
			if tt.wantKind != nil {
				assert.ErrorIs(t, err, tt.wantKind)
			}
			require.NoError(t, c.Close())
			assert.Empty(t, stderr.String(), "the error says it all: no stack, no go-plugin log lines")
		})
	}
}

// openBefore opens the plugin at path with the given timeout. A busy machine may
// spend the timeout on the handshake alone; openBefore then tries again, up to a few
// times, so that the tests of what happens in Expand do not depend on the load.
func openBefore(t *testing.T, path string, timeout time.Duration, stderr *bytes.Buffer) (*expander.Client, error) {
	t.Helper()
	for try := 0; ; try++ {
		c, err := expander.Open(context.Background(), path, expander.Options{Timeout: timeout, Stderr: stderr})
		if !errors.Is(err, expander.ErrTimeout) || try == 4 {
			return c, err
		}
	}
}

// TestCloseStopsStuckPlugin checks that a plugin that no longer answers, hung or
// stopped with SIGSTOP, does not outlive Close: the builder must not hang after
// reporting the timeout.
func TestCloseStopsStuckPlugin(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{plugintest.Hang, plugintest.Stop} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			pidFile := filepath.Join(t.TempDir(), "pid")
			// exec keeps the process id the script wrote.
			path := plugintest.Script(t, "echo $$ >"+pidFile+"\nexec "+plugintest.Path(t, mode))
			c, err := openBefore(t, path, 300*time.Millisecond, nil)
			require.NoError(t, err)
			_, err = c.Expand(context.Background(), tinyRequest())
			require.ErrorIs(t, err, expander.ErrTimeout)

			closed := make(chan struct{})
			go func() {
				_ = c.Close()
				close(closed)
			}()
			select {
			case <-closed:
			case <-time.After(time.Minute):
				t.Fatal("Close did not return")
			}
			plugintest.AssertGone(t, plugintest.ReadPID(t, pidFile), "the plugin")
		})
	}
}

// TestCloseKillsPluginScriptChildren runs a plugin that is a shell script: it starts a
// child that holds go-plugin's pipes and then runs a plugin that hangs, with exec or as
// a second child. Close must end the lot.
func TestCloseKillsPluginScriptChildren(t *testing.T) {
	t.Parallel()
	hang := plugintest.Path(t, plugintest.Hang)
	for name, run := range map[string]string{"exec": "exec " + hang, "child": hang} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			pidFile := filepath.Join(t.TempDir(), "child.pid")
			path := plugintest.Script(t, "sleep 600 & echo $! >"+pidFile+"\n"+run)
			c, err := openBefore(t, path, 500*time.Millisecond, nil)
			require.NoError(t, err)
			_, err = c.Expand(context.Background(), tinyRequest())
			require.ErrorIs(t, err, expander.ErrTimeout)

			closed := make(chan struct{})
			go func() {
				_ = c.Close()
				close(closed)
			}()
			select {
			case <-closed:
			case <-time.After(time.Minute):
				t.Fatal("Close did not return")
			}
			plugintest.AssertGone(t, plugintest.ReadPID(t, pidFile), "the script's child")
		})
	}
}

// TestPluginLogLinesStayOut: go-plugin reads the plugin's stderr as log records and
// logged its WARN and ERROR ones into the build log.
func TestPluginLogLinesStayOut(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	c, err := expander.Open(context.Background(), plugintest.Path(t, plugintest.Noisy), expander.Options{Stderr: &stderr})
	require.NoError(t, err)
	_, err = c.Expand(context.Background(), tinyRequest())
	require.NoError(t, err)
	require.NoError(t, c.Close())
	assert.Empty(t, stderr.String())
}

func TestOpenCanceled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := expander.Open(ctx, "/does/not/matter", expander.Options{})
	assert.ErrorIs(t, err, context.Canceled)
}
