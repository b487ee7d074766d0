package systemd

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/khepri-nix/khepri/plugin/naming"
)

func TestQuote(t *testing.T) {
	tests := []struct {
		name string
		give string
		want string
	}{
		{name: "plain", give: "paperless_data", want: "paperless_data"},
		{name: "equals", give: "a=b", want: "'a=b'"},
		{name: "space and quote", give: "it's x", want: `"it's x"`},
		{name: "dollar", give: "$HOME", want: "'$HOME'"},
		{name: "empty", give: "", want: "''"},
		{name: "nul never panics", give: "a\x00b", want: "ab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Quote(tt.give))
		})
	}
}

func TestNetwork(t *testing.T) {
	tests := []struct {
		name        string
		give        Resource
		wantScript  string
		wantPreStop string
		wantAfter   []string
	}{
		{
			name:        "docker",
			give:        Resource{Backend: naming.Docker, Composition: "c", Key: "default", Name: "c_default"},
			wantScript:  "docker network inspect c_default >/dev/null 2>&1 || docker network create --label 'com.docker.compose.project=c' --label 'com.docker.compose.network=default' c_default\n",
			wantPreStop: "docker network rm c_default || echo 'khepri: network c_default is still in use; left in place' >&2\n",
			wantAfter:   []string{"docker.service", "docker.socket"},
		},
		{
			name:        "podman",
			give:        Resource{Backend: naming.Podman, Composition: "c", Key: "n", Name: "odd name"},
			wantScript:  "podman network exists 'odd name' || podman network create --label 'com.docker.compose.project=c' --label 'com.docker.compose.network=n' 'odd name'\n",
			wantPreStop: "podman network rm 'odd name' || echo 'khepri: network odd name is still in use; left in place' >&2\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := Network(tt.give)
			assert.Equal(t, tt.wantScript, u.GetScript())
			assert.Equal(t, tt.wantPreStop, u.GetPreStop())
			assert.Equal(t, tt.wantAfter, u.GetAfter())
			assert.Equal(t, []string{"khepri-c.target"}, u.GetPartOf())
			assert.Equal(t, []string{"khepri-c.target"}, u.GetWantedBy())
		})
	}
}

func TestVolume(t *testing.T) {
	u := Volume(Resource{Backend: naming.Podman, Composition: "c", Key: "data", Name: "c_data"})
	assert.Equal(t, "podman volume exists c_data || podman volume create --label 'com.docker.compose.project=c' --label 'com.docker.compose.volume=data' c_data\n", u.GetScript())
	assert.Empty(t, u.GetPreStop(), "volumes are never removed")
	assert.Equal(t, map[string]string{"Type": "oneshot", "RemainAfterExit": "true"}, u.GetServiceConfig())
}
