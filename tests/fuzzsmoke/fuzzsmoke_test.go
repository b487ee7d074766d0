// Package fuzzsmoke_test checks scripts/fuzz-smoke, the fuzzing step of scripts/test,
// on fuzz targets planted in a module of its own: a red run must mean a defect.
package fuzzsmoke_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// planted are the packages of the module the smoke runs on.
var planted = map[string]string{
	"go.mod": "module planted\n\ngo 1.24\n",
	"passes/passes_test.go": `package passes

import "testing"

func FuzzPasses(f *testing.F) {
	f.Add("khepri")
	f.Fuzz(func(t *testing.T, s string) {})
}
`,
	// finds fails on any input longer than its seed, which mutation makes at once.
	"finds/finds_test.go": `package finds

import "testing"

func FuzzFinds(f *testing.F) {
	f.Add("ab")
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4 {
			t.Fatalf("found %q", s)
		}
	})
}
`,
	// slowseed's workers take seconds to start and its seed fails: a smoke bounded by a
	// shorter time passes it without running the seed.
	"slowseed/slowseed_test.go": `package slowseed

import (
	"os"
	"slices"
	"testing"
	"time"
)

func init() {
	if slices.Contains(os.Args, "-test.fuzzworker") {
		time.Sleep(2 * time.Second)
	}
}

func FuzzSlowSeed(f *testing.F) {
	f.Add("boom")
	f.Fuzz(func(t *testing.T, s string) {
		if s == "boom" {
			t.Fatal("the seed fails")
		}
	})
}
`,
}

func TestFuzzSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds fuzzing binaries of a planted module; -short skips it")
	}
	t.Parallel()
	smoke, err := filepath.Abs("../../scripts/fuzz-smoke")
	require.NoError(t, err)
	module := t.TempDir()
	for name, text := range planted {
		path := filepath.Join(module, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	}

	tests := []struct {
		name       string
		dir        string
		fuzztime   string
		wantCode   int
		wantStdout string // a regexp; @M@ is the module directory
	}{
		{
			name:       "a target that finds nothing passes",
			dir:        "passes",
			wantStdout: `^ok    fuzz FuzzPasses \(300x\)\n$`,
		},
		{
			name:       "a failing input written to testdata/fuzz fails, named",
			dir:        "finds",
			wantCode:   1,
			wantStdout: `^FAIL  fuzz FuzzFinds: failing input written to @M@/finds/testdata/fuzz/FuzzFinds/[0-9a-f]+\n$`,
		},
		{
			name:       "a failing seed fails however slowly the workers start",
			dir:        "slowseed",
			wantCode:   1,
			wantStdout: `^FAIL  fuzz FuzzSlowSeed: go test exited with status 1\n$`,
		},
		{
			name:     "a time bound is refused",
			dir:      "passes",
			fuzztime: "10s",
			wantCode: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fuzztime := tt.fuzztime
			if fuzztime == "" {
				fuzztime = "300x"
			}
			cmd := exec.Command(smoke, filepath.Join(module, tt.dir))
			cmd.Env = append(os.Environ(), "KHEPRI_FUZZTIME="+fuzztime, "GOWORK=off", "GOFLAGS=", "GOTOOLCHAIN=local")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			var exitErr *exec.ExitError
			if errors.As(err, &exitErr) {
				code = exitErr.ExitCode()
			} else {
				require.NoError(t, err)
			}

			assert.Equal(t, tt.wantCode, code, stderr.String())
			want := regexp.MustCompile(regexp.MustCompile(`@M@`).ReplaceAllLiteralString(tt.wantStdout, regexp.QuoteMeta(module)))
			assert.Regexp(t, want, stdout.String(), stderr.String())
		})
	}
}
