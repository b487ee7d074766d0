package parse

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/structpb"
)

func TestEnvironment(t *testing.T) {
	value := func(v any) *structpb.Value {
		t.Helper()
		s, err := structpb.NewValue(v)
		require.NoError(t, err)
		return s
	}
	tests := []struct {
		name      string
		give      *structpb.Value
		want      map[string]string
		wantUnset []string
		wantErr   string
	}{
		{name: "unset", give: nil, want: map[string]string{}},
		{name: "object", give: value(map[string]any{"A": "1", "N": 2, "B": false}), want: map[string]string{"A": "1", "N": "2", "B": "false"}},
		{name: "list", give: value([]any{"A=1", "EMPTY=", "EQ=a=b"}), want: map[string]string{"A": "1", "EMPTY": "", "EQ": "a=b"}},
		{name: "last of a repeated key wins", give: value([]any{"A=1", "A=2"}), want: map[string]string{"A": "2"}},
		{name: "bare key", give: value([]any{"A=1", "KEY", "OTHER"}), want: map[string]string{"A": "1"}, wantUnset: []string{"KEY", "OTHER"}},
		{name: "bare key given a value later", give: value([]any{"KEY", "KEY=v"}), want: map[string]string{"KEY": "v"}},
		{name: "null value", give: value(map[string]any{"KEY": nil}), want: map[string]string{}, wantUnset: []string{"KEY"}},
		{name: "list of numbers", give: value([]any{1}), wantErr: "element 0 is not a string"},
		{name: "string", give: value("A=1"), wantErr: "must be a list of KEY=value strings or an attribute set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, unset, err := Environment(tt.give)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.wantUnset, unset)
		})
	}
}
