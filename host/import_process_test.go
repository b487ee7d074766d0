package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImportProcessOutput checks what `khepri import` leaves in a terminal: compose-go's
// warnings once each, as khepri's own lines, and short errors, however large the value.
func TestImportProcessOutput(t *testing.T) {
	t.Parallel()
	const unset = "KHEPRI_TEST_NEVER_SET"
	tests := []struct {
		name       string
		compose    string
		wantCode   int
		wantStderr string
	}{
		{
			name:       "a variable that is not set, used a thousand times",
			compose:    "services:\n  web:\n    image: nginx\n    environment:\n      A: \"" + strings.Repeat("$"+unset, 1000) + "\"\n",
			wantStderr: "warning: The \"" + unset + "\" variable is not set. Defaulting to a blank string.\n",
		},
		{
			name:     "an interpolation error in a large value",
			compose:  "services:\n  web:\n    image: \"" + strings.Repeat("a", 1<<20) + "${x\"\n",
			wantCode: 1,
			wantStderr: "khepri: invalid interpolation format for services.web.image: \"" + strings.Repeat("a", 200) +
				"\"… (1048579 bytes); escape a literal $ as $$\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			compose := filepath.Join(t.TempDir(), "compose.yaml")
			require.NoError(t, os.WriteFile(compose, []byte(tt.compose), 0o644))

			stdout, stderr, code := khepri(t, nil, "import", "-f", compose)

			assert.Equal(t, tt.wantCode, code)
			assert.Equal(t, tt.wantStderr, stderr)
			if tt.wantCode == 0 {
				assert.Contains(t, stdout, `image = "nginx";`)
			}
		})
	}
}
