package lifecycle

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/khepri-nix/khepri/host/engine"
	"github.com/khepri-nix/khepri/host/systemd"
	"github.com/khepri-nix/khepri/proto/khepri/manifest"
)

func TestProgress(t *testing.T) {
	s := manifest.Selected{Composition: "shop", Name: "db", Replica: manifest.Replica{Container: "shop-db", Unit: "docker-shop-db.service"}}
	ctr := func(state, health string) []engine.Container {
		return []engine.Container{{Name: "shop-db", Project: "shop", Service: "db", State: state, Health: health}}
	}
	tests := []struct {
		name       string
		running    bool
		active     string
		containers []engine.Container
		text       string
		done       bool
		why        string
	}{
		{"stopping", false, "deactivating", nil, "deactivating", false, ""},
		{"stopped", false, "inactive", nil, "stopped", true, ""},
		{"a failed unit is stopped too", false, "failed", nil, "stopped", true, ""},
		{"unit starting", true, "activating", nil, "unit activating", false, ""},
		{"unit failed", true, "failed", nil, "failed", false, "unit failed"},
		{"no container yet", true, "active", nil, "creating container", false, ""},
		{"container created", true, "active", ctr("created", ""), "container created", false, ""},
		{"running without a healthcheck", true, "active", ctr("running", ""), "running", true, ""},
		{"health starting", true, "active", ctr("running", "starting"), "running (health starting)", false, ""},
		{"healthy", true, "active", ctr("running", "healthy"), "running (healthy)", true, ""},
		{"unhealthy", true, "active", ctr("running", "unhealthy"), "unhealthy", false, "container unhealthy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, done, why := Progress(tt.running, systemd.State{Active: tt.active}, tt.containers, s)
			assert.Equal(t, []any{tt.text, tt.done, tt.why}, []any{text, done, why})
		})
	}
}

func TestOrderedPutsHelperUnitsFirst(t *testing.T) {
	sel := []manifest.Selected{
		{Replica: manifest.Replica{Unit: "docker-a.service"}},
		{Replica: manifest.Replica{Unit: "docker-b.service"}},
	}
	bad := map[string]string{"docker-b.service": "unit failed", "khepri-x-resources.service": "failed", "docker-a.service": "job timeout"}
	assert.Equal(t, []Failure{
		{Unit: "khepri-x-resources.service", Why: "failed"},
		{Unit: "docker-a.service", Why: "job timeout"},
		{Unit: "docker-b.service", Why: "unit failed"},
	}, ordered(bad, []string{"khepri-x-resources.service"}, sel))
}
