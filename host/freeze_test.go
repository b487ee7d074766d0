package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

func freezeOpts(f *fakeExpander, out string, check bool) freezeOptions {
	return freezeOptions{
		expand: expandOptions{plugin: "fake", request: "-", out: out, timeout: 1e9, open: f.open},
		check:  check,
	}
}

func TestFreezeWritesResponseAndRequestHash(t *testing.T) {
	f := &fakeExpander{resp: errorResponse}
	out := filepath.Join(t.TempDir(), "khepri-expansion.json")
	require.NoError(t, runFreeze(context.Background(), freezeOpts(f, out, false), strings.NewReader(tinyRequest)))

	data, err := os.ReadFile(out)
	require.NoError(t, err)
	var got frozenExpansion
	require.NoError(t, json.Unmarshal(data, &got))
	sum := sha256.Sum256([]byte(tinyRequest))
	assert.Equal(t, 1, got.Format)
	assert.Equal(t, hex.EncodeToString(sum[:]), got.RequestSha256, "the hash Nix computes with builtins.hashString over the same bytes")
	assert.JSONEq(t, errorResponseJSON, string(got.Response))
	assert.Equal(t, "nginx:1.27", f.got.GetCompositions()["demo"].GetServices()["web"].GetImage(), "the plugin got the request from standard input")
}

func TestFreezeCheck(t *testing.T) {
	out := filepath.Join(t.TempDir(), "khepri-expansion.json")
	current := &fakeExpander{resp: errorResponse}
	require.NoError(t, runFreeze(context.Background(), freezeOpts(current, out, false), strings.NewReader(tinyRequest)))
	written, err := os.ReadFile(out)
	require.NoError(t, err)

	t.Run("current", func(t *testing.T) {
		assert.NoError(t, runFreeze(context.Background(), freezeOpts(current, out, true), strings.NewReader(tinyRequest)))
	})
	t.Run("another request", func(t *testing.T) {
		err := runFreeze(context.Background(), freezeOpts(current, out, true), strings.NewReader(strings.Replace(tinyRequest, "1.27", "1.28", 1)))
		assert.ErrorContains(t, err, "is not the current expansion of this request")
	})
	t.Run("another response to the same request", func(t *testing.T) {
		newer := &fakeExpander{resp: &khepriv1.ExpandResponse{}}
		err := runFreeze(context.Background(), freezeOpts(newer, out, true), strings.NewReader(tinyRequest))
		assert.ErrorContains(t, err, "is not the current expansion of this request")
	})
	t.Run("missing file", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "none.json")
		err := runFreeze(context.Background(), freezeOpts(current, missing, true), strings.NewReader(tinyRequest))
		assert.ErrorContains(t, err, "is not the current expansion")
		assert.NoFileExists(t, missing)
	})
	after, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, string(written), string(after), "--check writes nothing")
}
