package systemd

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheckArg(t *testing.T) {
	require.NoError(t, CheckArg(strings.Repeat("a", ArgMax-1)))
	err := CheckArg("KEY=" + strings.Repeat("v", ArgMax))
	require.EqualError(t, err, `"KEY=vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"… is 131077 bytes as one argument (with its terminating NUL), over the kernel's limit of 131072 (MAX_ARG_STRLEN), so the command would fail with "Argument list too long"`)
	require.ErrorContains(t, CheckArgs("ok", strings.Repeat("b", ArgMax), strings.Repeat("c", ArgMax)), `"bbbb`)
}
