package parse

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestPullSchedule(t *testing.T) {
	tests := []struct {
		name, policy, after string
		want                time.Duration
		wantField           string
	}{
		{name: "not scheduled", policy: "always"},
		{name: "unset", policy: ""},
		{name: "daily", policy: "daily", want: 24 * time.Hour},
		{name: "weekly", policy: "weekly", want: 168 * time.Hour},
		{name: "every hours", policy: "every_12h", want: 12 * time.Hour},
		{name: "every weeks and days", policy: "every_1w2d", want: 9 * 24 * time.Hour},
		{name: "refresh", policy: "refresh", after: "1d12h", want: 36 * time.Hour},
		{name: "refresh without interval", policy: "refresh", wantField: PullPolicyField},
		{name: "refresh with a bad interval", policy: "refresh", after: "soon", wantField: RefreshAfterField},
		{name: "refresh with a zero interval", policy: "refresh", after: "0s", wantField: RefreshAfterField},
		{name: "interval without refresh", policy: "daily", after: "1h", wantField: RefreshAfterField},
		{name: "interval alone", after: "1h", wantField: RefreshAfterField},
		{name: "fraction", policy: "every_1.5h", wantField: PullPolicyField},
		{name: "zero", policy: "every_0s", wantField: PullPolicyField},
		{name: "no duration", policy: "every_", wantField: PullPolicyField},
		{name: "overflow", policy: "every_99999999999w", wantField: PullPolicyField},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, field, err := PullSchedule(tt.policy, tt.after)
			if tt.wantField != "" {
				assert.Error(t, err)
				assert.Equal(t, tt.wantField, field)
				return
			}
			assert.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
