package systemd

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestPullTimerSchedule(t *testing.T) {
	tests := []struct {
		every time.Duration
		want  map[string]string
	}{
		{168 * time.Hour, map[string]string{"OnCalendar": "weekly", "Persistent": "true", "RandomizedDelaySec": "3600s"}},
		{24 * time.Hour, map[string]string{"OnCalendar": "daily", "Persistent": "true", "RandomizedDelaySec": "3600s"}},
		{8 * time.Hour, map[string]string{"OnCalendar": "*-*-* 00/8:00:00", "Persistent": "true", "RandomizedDelaySec": "2880s"}},
		{time.Hour, map[string]string{"OnCalendar": "hourly", "Persistent": "true", "RandomizedDelaySec": "360s"}},
		// 5h does not divide a day, 36h is no calendar unit: counted from the last run.
		{5 * time.Hour, map[string]string{"OnBootSec": "900s", "OnUnitActiveSec": "18000s", "RandomizedDelaySec": "1800s"}},
		{36 * time.Hour, map[string]string{"OnBootSec": "900s", "OnUnitActiveSec": "129600s", "RandomizedDelaySec": "3600s"}},
		{30 * time.Second, map[string]string{"OnBootSec": "30s", "OnUnitActiveSec": "30s", "RandomizedDelaySec": "3s"}},
	}
	for _, tt := range tests {
		t.Run(tt.every.String(), func(t *testing.T) {
			got := PullTimer(Pull{Composition: "c", Every: tt.every})
			assert.Equal(t, tt.want, got.GetTimerConfig())
			assert.Equal(t, []string{"timers.target"}, got.GetWantedBy())
		})
	}
}
