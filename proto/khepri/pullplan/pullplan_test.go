package pullplan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRoundTrip(t *testing.T) {
	p := Plan{
		Composition: "media",
		Backend:     "podman",
		User:        "alice",
		UID:         1000,
		Services: []Service{{
			Name: "web", Image: "ghcr.io/x/web:latest", Every: "24h0m0s",
			Containers: []string{"media-web"}, Units: []string{"podman-media-web.service"},
		}},
		Pinned: []string{"z", "a"},
	}
	data, err := p.Marshal()
	require.NoError(t, err)
	assert.JSONEq(t, `{"composition":"media","backend":"podman","user":"alice","uid":1000,
		"services":[{"name":"web","image":"ghcr.io/x/web:latest","every":"24h0m0s",
		"containers":["media-web"],"units":["podman-media-web.service"]}],"pinned":["a","z"]}`, string(data))
	got, err := Parse(data)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "z"}, got.Pinned)
	assert.Equal(t, p.Services, got.Services)
}

func TestParseRefuses(t *testing.T) {
	for name, in := range map[string]string{
		"unknown field":   `{"composition":"c","backend":"docker","services":[],"extra":1}`,
		"no composition":  `{"backend":"docker","services":[]}`,
		"backend":         `{"composition":"c","backend":"lxc","services":[]}`,
		"rootless docker": `{"composition":"c","backend":"docker","user":"a","uid":1,"services":[]}`,
		"interval":        `{"composition":"c","backend":"docker","services":[{"name":"s","image":"i","every":"daily","containers":["c"],"units":["u"]}]}`,
		"zero interval":   `{"composition":"c","backend":"docker","services":[{"name":"s","image":"i","every":"0s","containers":["c"],"units":["u"]}]}`,
		"units":           `{"composition":"c","backend":"docker","services":[{"name":"s","image":"i","every":"1h","containers":["c"],"units":[]}]}`,
	} {
		_, err := Parse([]byte(in))
		assert.Error(t, err, name)
	}
}
