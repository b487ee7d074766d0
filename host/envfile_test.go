package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEnvFileProcess runs `khepri env-file` as a container unit's preStart does, and
// checks the file the engine reads and the lines the journal gets.
func TestEnvFileProcess(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	app := write("app.env", "PASSWORD=MySecureDatabasePassword # change this\nLEAN_PORT = '8081'\nORDER=app\n")
	raw := write("raw.env", "QUOTED='as written' # too\nORDER=raw\n")
	last := write("last.env", "URL=postgres://${DB_HOST}/${DB_NAME}\n")
	cert := write("cert.env", "CERT=\"line one\nline two\"\n")
	missing := filepath.Join(dir, "missing.env")

	t.Run("the files in the order given, parsed as compose parses them", func(t *testing.T) {
		t.Parallel()
		out := filepath.Join(t.TempDir(), "run", "env")
		stdout, stderr, code := khepri(t, nil, "env-file", "--out", out, "--env", "DB_HOST=db",
			"--file", app, "--optional-file", missing, "--raw-file", raw, "--file", last)
		require.Equal(t, 0, code, stderr)
		assert.Empty(t, stdout)
		// compose warns about an unset variable too.
		assert.Equal(t, "khepri: warning: The \"DB_NAME\" variable is not set. Defaulting to a blank string.\n", stderr)
		data, err := os.ReadFile(out)
		require.NoError(t, err)
		assert.Equal(t, "LEAN_PORT=8081\nORDER=raw\nPASSWORD=MySecureDatabasePassword\nQUOTED='as written' # too\nURL=postgres://db/\n", string(data))
		info, err := os.Stat(out)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	})

	for _, tt := range []struct {
		name, file, wantStderr string
	}{
		{"a missing required file fails the start with one line naming it", missing,
			"khepri: env file " + missing + " is missing: create it, or set required = false on its envFile entry to start without it\n"},
		{"a multi-line value fails the start with one line naming file and key", cert,
			"khepri: env file " + cert + ": the value of CERT has a line break, which the engine's --env-file cannot pass; pass it another way (a secret, or a file mounted into the container)\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(t.TempDir(), "env")
			stdout, stderr, code := khepri(t, nil, "env-file", "--out", out, "--file", app, "--file", tt.file)
			assert.Equal(t, 1, code)
			assert.Empty(t, stdout)
			assert.Equal(t, tt.wantStderr, stderr)
			assert.NoFileExists(t, out, "nothing is written for the engine to read")
		})
	}
}
