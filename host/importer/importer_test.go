package importer

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the want.nix and want.err golden files")

// caseOptions reads testdata/<case>/args: the command's flags, one a line.
func caseOptions(t *testing.T, dir string) Options {
	t.Helper()
	opts := Options{RelativeTo: dir, Env: []string{}}
	data, err := os.ReadFile(filepath.Join(dir, "args"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		flagName, value, _ := strings.Cut(strings.TrimSpace(line), " ")
		switch flagName {
		case "":
		case "-f":
			opts.Files = append(opts.Files, filepath.Join(dir, value))
		case "--env-file":
			opts.EnvFiles = append(opts.EnvFiles, filepath.Join(dir, value))
		case "--profile":
			opts.Profiles = append(opts.Profiles, value)
		case "--name":
			opts.Name = value
		case "--expr":
			opts.Expr = true
		case "--relative":
			opts.Relative = true
		case "--allow-unsupported":
			opts.AllowUnsupported = true
		default:
			t.Fatalf("%s/args: unknown flag %q", dir, flagName)
		}
	}
	if len(opts.Files) == 0 {
		opts.Files = []string{filepath.Join(dir, "compose.yaml")}
	}
	return opts
}

// TestGolden imports every testdata case and compares the Nix (want.nix) or the error
// (want.err) with the golden file; the case directory is written as @DIR@ so that the
// goldens do not depend on where the repository is. `go test -update` rewrites them.
func TestGolden(t *testing.T) {
	cases, err := os.ReadDir("testdata")
	require.NoError(t, err)
	for _, c := range cases {
		if !c.IsDir() {
			continue
		}
		t.Run(c.Name(), func(t *testing.T) {
			dir, err := filepath.Abs(filepath.Join("testdata", c.Name()))
			require.NoError(t, err)
			res, err := Import(context.Background(), caseOptions(t, dir))
			got, golden := "", "want.nix"
			if err != nil {
				got, golden = err.Error()+"\n", "want.err"
			} else {
				got = string(res.Nix)
			}
			got = strings.ReplaceAll(got, dir, "@DIR@")
			path := filepath.Join(dir, golden)
			if *update {
				for _, stale := range []string{"want.nix", "want.err"} {
					_ = os.Remove(filepath.Join(dir, stale))
				}
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
				return
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "no %s: the case's outcome changed, or run go test -update", golden)
			assert.Equal(t, string(want), got)
		})
	}
}

// Without --relative a build context is an absolute Nix path, which Nix copies to the
// store as it copies a relative one; a string would be refused as not reproducible.
func TestBuildContextIsAnAbsoluteNixPath(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("testdata", "build"))
	require.NoError(t, err)
	res, err := Import(context.Background(), Options{Files: []string{filepath.Join(dir, "compose.yaml")}, Env: []string{}})
	require.NoError(t, err)
	assert.Contains(t, string(res.Nix), "web.build = "+dir+"/web;\n")
	assert.Equal(t, "(/. + \"/srv/my app\")", absNixPath("/srv/my app"))
}
