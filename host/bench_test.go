package main

import (
	"context"
	"os"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/khepri-nix/khepri/host/expander"
	"github.com/khepri-nix/khepri/host/internal/plugintest"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// BenchmarkRoundTrip measures what the expansion derivation's builder pays per build:
// start the real plugin, Expand, stop it, for the request in $KHEPRI_BENCH_REQUEST
// (scripts/bench passes the paperless request).
func BenchmarkRoundTrip(b *testing.B) {
	path := os.Getenv("KHEPRI_BENCH_REQUEST")
	if path == "" {
		b.Skip("KHEPRI_BENCH_REQUEST is not set; BenchmarkRoundTripSmall needs no setup")
	}
	req, err := readRequest(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	benchmarkRoundTrip(b, req)
}

// BenchmarkRoundTripSmall is BenchmarkRoundTrip for a one-service request, runnable
// with a plain `go test -bench .`.
func BenchmarkRoundTripSmall(b *testing.B) {
	req := &khepriv1.ExpandRequest{}
	if err := protojson.Unmarshal([]byte(tinyRequest), req); err != nil {
		b.Fatal(err)
	}
	benchmarkRoundTrip(b, req)
}

func benchmarkRoundTrip(b *testing.B, req *khepriv1.ExpandRequest) {
	plugin := plugintest.Path(b, plugintest.Real)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		c, err := expander.Open(ctx, plugin, expander.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Expand(ctx, req); err != nil {
			b.Fatal(err)
		}
		if err := c.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
