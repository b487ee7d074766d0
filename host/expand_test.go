package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/khepri-nix/khepri/host/expander"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// fakeExpander stands in for the plugin in the command's unit tests.
type fakeExpander struct {
	resp   *khepriv1.ExpandResponse
	err    error
	got    *khepriv1.ExpandRequest
	closed bool
}

func (f *fakeExpander) Expand(_ context.Context, req *khepriv1.ExpandRequest) (*khepriv1.ExpandResponse, error) {
	f.got = req
	return f.resp, f.err
}

func (f *fakeExpander) Close() error {
	f.closed = true
	return nil
}

func (f *fakeExpander) open(context.Context, string, expander.Options) (expanderClient, error) {
	return f, nil
}

const tinyRequest = `{"backend": "docker", "compositions": {"demo": {"services": {"web": {"image": "nginx:1.27"}}}}}`

var errorResponse = &khepriv1.ExpandResponse{Diagnostics: []*khepriv1.Diagnostic{{
	Severity: khepriv1.Severity_SEVERITY_ERROR,
	Path:     "khepri.compositions.demo.services.web.ports[0]",
	Message:  "not a port",
}}}

const errorResponseJSON = `{
  "diagnostics": [
    {
      "severity": "SEVERITY_ERROR",
      "path": "khepri.compositions.demo.services.web.ports[0]",
      "message": "not a port"
    }
  ]
}
`

func writeRequest(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "request.json")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
	return path
}

func TestRunExpandRequestErrors(t *testing.T) {
	tests := []struct {
		name    string
		give    string
		wantErr string
	}{
		{
			name:    "truncated JSON",
			give:    `{"backend": `,
			wantErr: "parse request %s: unexpected EOF",
		},
		{
			name:    "unknown top-level field",
			give:    `{"backend": "docker", "engine": "x"}`,
			wantErr: `parse request %s: (line 1:23): unknown field "engine"`,
		},
		{
			name:    "unknown service field: a Nix option the proto lacks",
			give:    `{"compositions": {"demo": {"services": {"web": {"image": "nginx", "stopSignals": "SIGINT"}}}}}`,
			wantErr: `parse request %s: (line 1:67): unknown field "stopSignals"`,
		},
		{
			name:    "wrong type",
			give:    `{"compositions": {"demo": {"services": {"web": {"ports": "80:80"}}}}}`,
			wantErr: `parse request %s: syntax error (line 1:58): unexpected token "80:80"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeRequest(t, tt.give)
			fake := &fakeExpander{resp: &khepriv1.ExpandResponse{}}
			out := filepath.Join(t.TempDir(), "out")
			var stdout bytes.Buffer

			err := runExpand(context.Background(), expandOptions{
				plugin: "/plugin", request: path, out: out, timeout: time.Minute, open: fake.open,
			}, &stdout)

			require.Error(t, err)
			assert.Contains(t, err.Error(), fmt.Sprintf(tt.wantErr, path))
			assert.Nil(t, fake.got, "the plugin is not called")
			assert.NoFileExists(t, out)
			assert.Empty(t, stdout.String())
		})
	}
}

func TestRunExpandOptionErrors(t *testing.T) {
	request := writeRequest(t, tinyRequest)
	tests := []struct {
		name    string
		give    expandOptions
		wantErr string
	}{
		{
			name:    "no plugin",
			give:    expandOptions{request: request, timeout: time.Minute},
			wantErr: "no expander plugin: give --plugin or set KHEPRI_PLUGIN",
		},
		{
			name:    "timeout not positive",
			give:    expandOptions{plugin: "/p", request: request},
			wantErr: "--timeout must be positive, not 0s",
		},
		{
			name:    "request missing",
			give:    expandOptions{plugin: "/p", request: "/no/request.json", timeout: time.Minute},
			wantErr: "read request: open /no/request.json: no such file or directory",
		},
		{
			name:    "request endless",
			give:    expandOptions{plugin: "/p", request: "/dev/zero", timeout: time.Minute},
			wantErr: "request /dev/zero is larger than 64 MiB, the most khepri reads",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeExpander{}
			tt.give.open = fake.open
			err := runExpand(context.Background(), tt.give, &bytes.Buffer{})
			assert.EqualError(t, err, tt.wantErr)
		})
	}
}

func TestRunExpandWritesResponse(t *testing.T) {
	t.Run("to --out, even with error diagnostics", func(t *testing.T) {
		fake := &fakeExpander{resp: errorResponse}
		out := filepath.Join(t.TempDir(), "out")
		var stdout bytes.Buffer

		err := runExpand(context.Background(), expandOptions{
			plugin: "/p", request: writeRequest(t, tinyRequest), out: out, timeout: time.Minute, open: fake.open,
		}, &stdout)

		require.NoError(t, err)
		got, err := os.ReadFile(out)
		require.NoError(t, err)
		assert.Equal(t, errorResponseJSON, string(got))
		assert.Empty(t, stdout.String())
		assert.True(t, fake.closed)
		assert.Equal(t, "nginx:1.27", fake.got.GetCompositions()["demo"].GetServices()["web"].GetImage())
	})

	t.Run("to stdout", func(t *testing.T) {
		fake := &fakeExpander{resp: errorResponse}
		var stdout bytes.Buffer

		err := runExpand(context.Background(), expandOptions{
			plugin: "/p", request: writeRequest(t, tinyRequest), timeout: time.Minute, open: fake.open,
		}, &stdout)

		require.NoError(t, err)
		assert.Equal(t, errorResponseJSON, stdout.String())
	})
}

func TestRunExpandPluginFaultLeavesNoOutput(t *testing.T) {
	fake := &fakeExpander{err: errors.New("expander plugin /p exited during Expand (exit status 3)")}
	dir := t.TempDir()
	out := filepath.Join(dir, "out")

	err := runExpand(context.Background(), expandOptions{
		plugin: "/p", request: writeRequest(t, tinyRequest), out: out, timeout: time.Minute, open: fake.open,
	}, &bytes.Buffer{})

	assert.EqualError(t, err, "expander plugin /p exited during Expand (exit status 3)")
	assert.True(t, fake.closed)
	assert.Empty(t, dirNames(t, dir))
}

func TestRunExpandAtomicWriteFailureLeavesNothing(t *testing.T) {
	fake := &fakeExpander{resp: errorResponse}
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	require.NoError(t, os.MkdirAll(filepath.Join(out, "busy"), 0o755))

	err := runExpand(context.Background(), expandOptions{
		plugin: "/p", request: writeRequest(t, tinyRequest), out: out, timeout: time.Minute, open: fake.open,
	}, &bytes.Buffer{})

	require.Error(t, err)
	assert.Contains(t, err.Error(), "write "+out+": ")
	assert.Equal(t, []string{"out"}, dirNames(t, dir), "no temporary file left beside --out")
	assert.Equal(t, []string{"busy"}, dirNames(t, out))
}
