package importer

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRelativePathsEvaluate writes, with --relative, files whose names a Nix path
// literal cannot spell (a space, non-ASCII, a quote, "${") in every key that takes a
// host path, and has Nix evaluate the result: each must come out as the file's
// absolute path (issue 13).
func TestRelativePathsEvaluate(t *testing.T) {
	t.Parallel()
	nix, err := exec.LookPath("nix-instantiate")
	if err != nil {
		t.Skip("nix-instantiate is not installed: the written Nix cannot be evaluated")
	}
	dir := t.TempDir()
	envFiles := []string{"my env.env", "é.env", `q"x.env`, "${x}.env", "plain.env"}
	for _, n := range append(envFiles, "my labels", "my secret.txt", "my conf.txt") {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), nil, 0o644))
	}
	require.NoError(t, os.Mkdir(filepath.Join(dir, "data dir"), 0o755))
	compose := `services:
  web:
    image: nginx
    env_file:
      - ./my env.env
      - ./é.env
      - ./q"x.env
      - ./$${x}.env
      - ./plain.env
    label_file: ./my labels
    volumes:
      - ./data dir:/data
      - type: bind
        source: ./data dir
        target: /long
    secrets: [s]
    configs: [c]
secrets:
  s:
    file: ./my secret.txt
configs:
  c:
    file: ./my conf.txt
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(compose), 0o644))

	res, err := Import(context.Background(), Options{
		Files: []string{filepath.Join(dir, "compose.yaml")}, Env: []string{},
		Expr: true, Relative: true, RelativeTo: dir,
	})
	require.NoError(t, err)
	out := filepath.Join(dir, "composition.nix")
	require.NoError(t, os.WriteFile(out, res.Nix, 0o644))

	// A config file stays a Nix path (it may enter the store); toString shows which.
	expr := `let c = import ` + out + `; in {
	  inherit (c.services.web) envFile labelFile volumes;
	  secret = c.secrets.s.file;
	  config = toString c.configs.c.file;
	}`
	got, err := exec.Command(nix, "--eval", "--strict", "--json", "-E", expr).Output()
	if err != nil {
		var exitErr *exec.ExitError
		errors.As(err, &exitErr)
		t.Fatalf("nix-instantiate --eval: %v\n%s\n%s", err, exitErr.Stderr, res.Nix)
	}
	var values struct {
		EnvFile   []string `json:"envFile"`
		LabelFile string   `json:"labelFile"`
		Volumes   []string `json:"volumes"`
		Secret    string   `json:"secret"`
		Config    string   `json:"config"`
	}
	require.NoError(t, json.Unmarshal(got, &values), string(got))
	want := make([]string, len(envFiles))
	for i, n := range envFiles {
		want[i] = filepath.Join(dir, n)
	}
	assert.Equal(t, want, values.EnvFile)
	assert.Equal(t, filepath.Join(dir, "my labels"), values.LabelFile)
	assert.Equal(t, filepath.Join(dir, "my secret.txt"), values.Secret)
	assert.Equal(t, filepath.Join(dir, "my conf.txt"), values.Config)
	assert.Equal(t, []string{filepath.Join(dir, "data dir") + ":/data", filepath.Join(dir, "data dir") + ":/long"}, values.Volumes)
}
