package importer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzImport feeds compose YAML to the importer: it returns Nix or an error, and never
// panics. Import turns a panic into an "internal error", so that message fails too.
func FuzzImport(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/compose.yaml")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("services: {web: {image: x, ports: [{target: 80, published: '8080', mode: host}]}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		file := filepath.Join(dir, "compose.yaml")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, allow := range []bool{false, true} {
			res, err := Import(context.Background(), Options{
				Files:            []string{file},
				Name:             "fuzz",
				Env:              []string{},
				Relative:         allow,
				AllowUnsupported: allow,
			})
			if err != nil {
				if strings.Contains(err.Error(), "internal error") {
					t.Fatalf("panic on %q: %v", data, err)
				}
				continue
			}
			if len(res.Nix) == 0 || res.Nix[len(res.Nix)-1] != '\n' {
				t.Fatalf("empty or unterminated output for %q", data)
			}
		}
	})
}
