package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/khepri-nix/khepri/plugin/expand"
	"github.com/khepri-nix/khepri/proto/khepri/canonjson"
)

// FuzzParseRequest feeds arbitrary bytes to the request decoder and what it accepts to
// the expander: neither may panic, and an accepted request must survive a round trip
// through the canonical encoding unchanged.
func FuzzParseRequest(f *testing.F) {
	seeds, err := filepath.Glob("../plugin/expand/testdata/*.request.json")
	require.NoError(f, err)
	for _, path := range seeds {
		data, err := os.ReadFile(path)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Add([]byte(`{"compositions":{"a":{"services":{"b":{"command":null,"entrypoint":[1,{}]}}}}}`))

	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := parseRequest("fuzz.json", data)
		if err != nil {
			return
		}
		expand.Expand(req)

		again, err := canonjson.Marshal(req)
		require.NoError(t, err)
		back, err := parseRequest("again.json", again)
		require.NoError(t, err)
		require.True(t, proto.Equal(req, back), "round trip changed the request")
	})
}
