package expander_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
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
			wantErr:  "expander plugin " + version + " speaks protocol version 99; this khepri speaks version 2",
			wantKind: expander.ErrProtocolMismatch,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := expander.Open(context.Background(), tt.give, expander.Options{})
			require.Error(t, err)
			assert.Nil(t, c)
			assert.EqualError(t, err, tt.wantErr)
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := plugintest.Path(t, tt.give)
			c, err := expander.Open(context.Background(), path, expander.Options{Timeout: 300 * time.Millisecond})
			require.NoError(t, err)
			t.Cleanup(func() { _ = c.Close() })

			resp, err := c.Expand(context.Background(), tinyRequest())
			assert.Nil(t, resp)
			assert.EqualError(t, err, fmt.Sprintf(tt.wantErr, path))
			if tt.wantKind != nil {
				assert.ErrorIs(t, err, tt.wantKind)
			}
		})
	}
}

// TestCloseStopsHungPlugin checks that a plugin stuck in Expand does not outlive Close
// for long: the builder must not hang after reporting the timeout.
func TestCloseStopsHungPlugin(t *testing.T) {
	t.Parallel()
	path := plugintest.Path(t, plugintest.Hang)
	c, err := expander.Open(context.Background(), path, expander.Options{Timeout: 100 * time.Millisecond})
	require.NoError(t, err)
	_, err = c.Expand(context.Background(), tinyRequest())
	require.ErrorIs(t, err, expander.ErrTimeout)

	start := time.Now()
	require.NoError(t, c.Close())
	assert.Less(t, time.Since(start), 3*time.Second)
}

func TestOpenCanceled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := expander.Open(ctx, "/does/not/matter", expander.Options{})
	assert.ErrorIs(t, err, context.Canceled)
}
