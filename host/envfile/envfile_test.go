package envfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// file is one env file of a case: its content, and how the service lists it.
type file struct {
	content  string
	optional bool
	raw      bool
	// missing lists the file without creating it.
	missing bool
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		give    []file
		env     map[string]string
		want    map[string]string
		wantErr string
	}{
		{
			name: "an inline comment and full-line comments are dropped",
			give: []file{{content: "# the database\nPASSWORD=MySecureDatabasePassword # change this\n  # indented\n"}},
			want: map[string]string{"PASSWORD": "MySecureDatabasePassword"},
		},
		{
			name: "quotes are stripped, a # inside them is kept",
			give: []file{{content: "A=\"x y # z\"\nB='single'\nC=\"tab\\there\"\n"}},
			want: map[string]string{"A": "x y # z", "B": "single", "C": "tab\there"},
		},
		{
			name: "KEY = value, export and yaml-style keys are compose's too",
			give: []file{{content: "LEAN_PORT = '8081'\nexport EXPORTED=1\nCOLON: yes\n"}},
			want: map[string]string{"LEAN_PORT": "8081", "EXPORTED": "1", "COLON": "yes"},
		},
		{
			name: "${VAR} resolves against the service's environment before the file's own variables",
			give: []file{{content: "DB_HOST=ignored\nURL=postgres://${DB_HOST}/app\nSELF=${URL}?ssl=1\n"}},
			env:  map[string]string{"DB_HOST": "db"},
			want: map[string]string{"DB_HOST": "ignored", "URL": "postgres://db/app", "SELF": "postgres://db/app?ssl=1"},
		},
		{
			name: "an unset variable is empty, defaults apply, single quotes and $$ keep a literal $",
			give: []file{{content: "EMPTY=${NOPE}\nDEFAULT=${NOPE:-fallback}\nSINGLE='${NOPE}'\nDOLLAR=a$$b\n"}},
			want: map[string]string{"EMPTY": "", "DEFAULT": "fallback", "SINGLE": "${NOPE}", "DOLLAR": "a$b"},
		},
		{
			name: "a later file sees and overrides an earlier one",
			give: []file{{content: "A=1\nB=first\n"}, {content: "B=second\nC=${A}\n"}},
			want: map[string]string{"A": "1", "B": "second", "C": "1"},
		},
		{
			name: "a bare KEY takes the service's value, or nothing",
			give: []file{{content: "FROM_ENV\nUNKNOWN\n"}},
			env:  map[string]string{"FROM_ENV": "env-value"},
			want: map[string]string{"FROM_ENV": "env-value"},
		},
		{
			name: "format raw takes the lines literally, as docker's --env-file does",
			give: []file{{raw: true, content: "\uFEFFQUOTED=\"kept\" # kept too\n   LEADING=  spaces kept  \n# comment\n\nINTERP=${NOT_EXPANDED}\nFROM_ENV\nCRLF=x\r\n"}},
			env:  map[string]string{"FROM_ENV": "env-value"},
			want: map[string]string{
				"QUOTED":   `"kept" # kept too`,
				"LEADING":  "  spaces kept  ",
				"INTERP":   "${NOT_EXPANDED}",
				"FROM_ENV": "env-value",
				"CRLF":     "x",
			},
		},
		{
			name:    "format raw refuses a name with whitespace, as docker does",
			give:    []file{{raw: true, content: "LEAN_PORT = 8081\n"}},
			wantErr: "env file @0: line 1: a variable name contains whitespace",
		},
		{
			name: "a missing optional file is skipped",
			give: []file{{content: "A=1\n"}, {missing: true, optional: true}},
			want: map[string]string{"A": "1"},
		},
		{
			name:    "a missing required file fails, naming it",
			give:    []file{{content: "A=1\n"}, {missing: true}},
			wantErr: "env file @1 is missing: create it, or set required = false on its envFile entry to start without it",
		},
		{
			name:    "a multi-line value cannot be written literally",
			give:    []file{{content: "A=1\nCERT=\"-----BEGIN\nxyz\n-----END\"\n"}},
			wantErr: "env file @0: the value of CERT has a line break, which the engine's --env-file cannot pass; pass it another way (a secret, or a file mounted into the container)",
		},
		{
			name:    "an escaped line break is a line break too",
			give:    []file{{content: "LINES=\"a\\nb\"\n"}},
			wantErr: "env file @0: the value of LINES has a line break, which the engine's --env-file cannot pass; pass it another way (a secret, or a file mounted into the container)",
		},
		{
			name:    "a NUL byte cannot be passed",
			give:    []file{{content: "N=\"a\\0000b\"\n"}},
			wantErr: "env file @0: the value of N has a NUL byte, which no environment variable can hold",
		},
		{
			name:    "a trailing carriage return would be dropped",
			give:    []file{{content: "R=\"a\\r\"\n"}},
			wantErr: "env file @0: the value of R ends with a carriage return, which the engine's --env-file drops",
		},
		{
			name:    "a variable without a name is refused",
			give:    []file{{content: "=value\n"}},
			wantErr: "env file @0: a variable has no name",
		},
		{
			name:    "${VAR:?message} fails with compose's message",
			give:    []file{{content: "A=${NEEDED:?set NEEDED}\n"}},
			wantErr: "env file @0: required variable NEEDED is missing a value: set NEEDED",
		},
		{
			name:    "a syntax error names the line without quoting its value",
			give:    []file{{content: "OK=1\nBAD@KEY=hunter2\n"}},
			wantErr: `env file @0: line 2: unexpected character "@" in a variable name`,
		},
		{
			name:    "an unterminated quote names the line without quoting its value",
			give:    []file{{content: "PASSWORD=\"hunter2"}},
			wantErr: "env file @0: line 1: unterminated quoted value",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var sources []Source
			paths := map[string]string{}
			for i, f := range tt.give {
				p := filepath.Join(dir, "f"+string(rune('0'+i))+".env")
				paths["@"+string(rune('0'+i))] = p
				if !f.missing {
					require.NoError(t, os.WriteFile(p, []byte(f.content), 0o600))
				}
				sources = append(sources, Source{Path: p, Optional: f.optional, Raw: f.raw})
			}
			got, err := Load(sources, tt.env)
			if tt.wantErr != "" {
				want := tt.wantErr
				for k, p := range paths {
					want = strings.ReplaceAll(want, k, p)
				}
				require.EqualError(t, err, want)
				assert.NotContains(t, err.Error(), "hunter2")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// readLiteral reads a file as docker's and podman's --env-file do: line by line,
// leading whitespace trimmed, '#' lines skipped, the value after the first '='.
func readLiteral(t *testing.T, data string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSuffix(data, "\n"), "\n") {
		line = strings.TrimSuffix(strings.TrimLeft(line, " \t"), "\r")
		if line == "" || line[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		require.True(t, ok, "line %q has no '=': the engine would look %s up in its own environment", line, k)
		out[k] = v
	}
	return out
}

func TestWriteIsReadBackLiterally(t *testing.T) {
	vars := map[string]string{
		"PASSWORD": "MySecureDatabasePassword",
		"QUOTES":   `"kept" and 'kept'`,
		"HASH":     "# not a comment",
		"SPACES":   "  around  ",
		"EQUALS":   "a=b=c",
		"EMPTY":    "",
		"DOLLAR":   "$HOME ${HOME}",
	}
	out := filepath.Join(t.TempDir(), "run", "app-web", "env")
	require.NoError(t, Write(out, vars))

	data, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "DOLLAR=$HOME ${HOME}\nEMPTY=\nEQUALS=a=b=c\nHASH=# not a comment\nPASSWORD=MySecureDatabasePassword\nQUOTES=\"kept\" and 'kept'\nSPACES=  around  \n", string(data))
	assert.Equal(t, vars, readLiteral(t, string(data)))

	info, err := os.Stat(out)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	entries, err := os.ReadDir(filepath.Dir(out))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file is left beside the output")
}

func TestWriteReplacesAnEarlierFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "env")
	require.NoError(t, os.WriteFile(out, []byte("OLD=1\n"), 0o644))
	require.NoError(t, Write(out, map[string]string{"NEW": "2"}))
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "NEW=2\n", string(data))
	info, err := os.Stat(out)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
}
