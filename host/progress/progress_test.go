package progress

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDisplayWithoutTerminalPrintsFinalStatesOnly(t *testing.T) {
	var b bytes.Buffer
	d := New(&b, false, []string{"paperless/db", "paperless/webserver"})
	d.Set("paperless/webserver", "activating", false)
	d.Set("paperless/db", "running", true)
	d.Set("paperless/db", "failed", true)
	d.Set("paperless/webserver", "running (healthy)", true)
	assert.Equal(t, "paperless/db         running\npaperless/webserver  running (healthy)\n", b.String())
}

func TestDisplayOnTerminalRedrawsInPlace(t *testing.T) {
	var b bytes.Buffer
	d := New(&b, true, []string{"a", "bb"})
	d.Set("a", "starting", false)
	d.Set("a", "starting", false)
	d.Set("bb", "failed (job failed)", true)
	assert.Equal(t,
		"\x1b[2K … a   starting\n\x1b[2K … bb  waiting\n"+
			"\x1b[2A\x1b[2K … a   starting\n\x1b[2K ✘ bb  failed (job failed)\n",
		b.String())
}
