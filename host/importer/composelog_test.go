package importer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func importCompose(t *testing.T, compose string) (*Result, error) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "compose.yaml")
	require.NoError(t, os.WriteFile(path, []byte(compose), 0o644))
	return Import(context.Background(), Options{Files: []string{path}, Env: []string{}})
}

// TestImportWarnsOncePerMessage: compose-go warns about an unset variable at every
// occurrence, in each of the two loads; the import reports each warning once.
func TestImportWarnsOncePerMessage(t *testing.T) {
	res, err := importCompose(t, smallCompose+"    environment:\n      A: \""+strings.Repeat("$x", 1000)+"\"\n      B: $y\n")
	require.NoError(t, err)
	assert.Equal(t, []string{
		`The "x" variable is not set. Defaulting to a blank string.`,
		`The "y" variable is not set. Defaulting to a blank string.`,
	}, res.Warnings)
	assert.Equal(t, os.Stderr, logrus.StandardLogger().Out, "logrus is given back")
	assert.Empty(t, logrus.StandardLogger().Hooks, "the import's hook is removed")
}

func TestImportCapsWarnings(t *testing.T) {
	var env strings.Builder
	for i := range maxWarnings + 5 {
		fmt.Fprintf(&env, "      V%d: $unset%d\n", i, i)
	}
	long := strings.Repeat("v", 1000)
	res, err := importCompose(t, smallCompose+"    environment:\n"+env.String()+"      LONG: ${"+long+"}\n")
	require.NoError(t, err)

	require.Len(t, res.Warnings, maxWarnings+1)
	assert.Equal(t, "6 more warnings like these not shown", res.Warnings[maxWarnings])
	for _, w := range res.Warnings {
		assert.LessOrEqual(t, len(w), maxShown+len("… (1000000 bytes)"), w)
	}
}

func TestImportWarningIsShortened(t *testing.T) {
	long := strings.Repeat("v", 1000)
	res, err := importCompose(t, smallCompose+"    environment:\n      LONG: ${"+long+"}\n")
	require.NoError(t, err)
	want := `The "` + strings.Repeat("v", maxShown-len(`The "`)) + "… (1057 bytes)"
	assert.Equal(t, []string{want}, res.Warnings)
}

// TestImportInterpolationErrorIsOneShortLine: compose-go's message puts the whole value
// on a line of its own.
func TestImportInterpolationErrorIsOneShortLine(t *testing.T) {
	value := strings.Repeat("a", 100000) + "${x"
	_, err := importCompose(t, "services:\n  web:\n    image: \""+value+"\"\n")
	want := `invalid interpolation format for services.web.image: "` + strings.Repeat("a", maxShown) +
		`"… (100003 bytes); escape a literal $ as $$`
	assert.EqualError(t, err, want)
}

func TestImportInterpolationErrorShortValue(t *testing.T) {
	_, err := importCompose(t, "services:\n  web:\n    image: \"nginx:${x\"\n")
	assert.EqualError(t, err, `invalid interpolation format for services.web.image: "nginx:${x"; escape a literal $ as $$`)
}
