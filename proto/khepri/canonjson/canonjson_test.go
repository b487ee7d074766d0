package canonjson

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

func TestMarshal(t *testing.T) {
	tests := []struct {
		name string
		give *khepriv1.ExpandResponse
		want string
	}{
		{name: "empty", give: &khepriv1.ExpandResponse{}, want: "{}\n"},
		{
			name: "sorted maps, two-space indent, no HTML escaping",
			give: &khepriv1.ExpandResponse{Targets: map[string]*khepriv1.SystemdTarget{
				"b": {Description: "<b> & c"},
				"a": {WantedBy: []string{"multi-user.target"}},
			}},
			want: `{
  "targets": {
    "a": {
      "wantedBy": [
        "multi-user.target"
      ]
    },
    "b": {
      "description": "<b> & c"
    }
  }
}
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Marshal(tt.give)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
		})
	}
}
