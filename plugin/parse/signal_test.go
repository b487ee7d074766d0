package parse

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSignal(t *testing.T) {
	tests := []struct {
		name    string
		give    string
		wantErr string
	}{
		{name: "name", give: "SIGTERM"},
		{name: "without SIG", give: "QUIT"},
		{name: "lowercase", give: "sigusr1"},
		{name: "realtime", give: "SIGRTMIN+3"},
		{name: "realtime from the top", give: "RTMAX-14"},
		{name: "number", give: "9"},
		{name: "highest number", give: "64"},
		{name: "unknown name", give: "SIGFOO", wantErr: `invalid signal "SIGFOO": use a signal name`},
		{name: "SIG twice", give: "SIGSIGTERM", wantErr: "use a signal name"},
		{name: "realtime past the range", give: "RTMIN+16", wantErr: "use a signal name"},
		{name: "zero", give: "0", wantErr: "signal numbers run from 1 to 64"},
		{name: "past 64", give: "65", wantErr: "signal numbers run from 1 to 64"},
		{name: "negative", give: "-9", wantErr: "signal numbers run from 1 to 64"},
		{name: "unicode fold", give: "ſIGTERM", wantErr: "use a signal name"},
		{name: "empty", give: "", wantErr: "use a signal name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Signal(tt.give)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
		})
	}
}
