package expand

import (
	"bytes"
	"os"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/khepri-nix/khepri/proto/khepri/canonjson"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// FuzzExpand feeds request JSON, seeded from the golden requests, and checks that
// Expand never panics, is deterministic, and never mixes errors with output.
func FuzzExpand(f *testing.F) {
	for _, file := range goldenCases(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, backend := range []string{"docker", "podman"} {
			req := &khepriv1.ExpandRequest{}
			if err := protojson.Unmarshal(data, req); err != nil {
				f.Fatal(err)
			}
			req.Backend = backend
			seed, err := protojson.Marshal(req)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(seed)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		req := &khepriv1.ExpandRequest{}
		if err := protojson.Unmarshal(data, req); err != nil {
			return
		}
		resp := Expand(req)
		out, err := canonjson.Marshal(resp)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		again, err := canonjson.Marshal(Expand(req))
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		if !bytes.Equal(out, again) {
			t.Fatalf("not deterministic:\n%s\n%s", out, again)
		}
		for _, d := range resp.GetDiagnostics() {
			if d.GetSeverity() == khepriv1.Severity_SEVERITY_ERROR &&
				len(resp.GetContainers())+len(resp.GetContainerUnits())+len(resp.GetServices())+len(resp.GetTargets())+
					len(resp.GetPulls())+len(resp.GetTimers()) > 0 {
				t.Fatalf("error diagnostics together with output:\n%s", out)
			}
		}
	})
}
