package manifest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const paperless = `{"backend":"docker","compositions":{"paperless":{"networks":["paperless_paperless","proxy_net"],"services":{"broker":{"containers":[{"container":"paperless-broker","unit":"docker-paperless-broker.service"}],"image":"docker.io/library/redis:7","networks":["paperless_paperless"],"ports":[],"volumes":["paperless_redisdata:/data:rw"]},"webserver":{"containers":[{"container":"paperless_web","unit":"docker-paperless_web.service"}],"image":"ghcr.io/paperless-ngx/paperless-ngx:latest","networks":["paperless_paperless","proxy_net"],"ports":["8000:8000/tcp"],"volumes":["paperless_data:/usr/src/paperless/data:rw"]},"worker":{"containers":[{"container":"paperless-worker-1","unit":"docker-paperless-worker-1.service"},{"container":"paperless-worker-2","unit":"docker-paperless-worker-2.service"}],"image":"example/worker:1","networks":["paperless_paperless"],"ports":[],"volumes":[]}},"target":"khepri-paperless.target","units":["khepri-paperless-network-paperless.service"],"volumes":["paperless_data","paperless_redisdata"]}},"version":3}`

func TestParseAndSelect(t *testing.T) {
	m, err := Parse([]byte(paperless))
	require.NoError(t, err)
	assert.Equal(t, "docker", m.Backend)
	assert.Equal(t, []string{"paperless"}, m.CompositionNames())

	tests := []struct {
		name    string
		give    []string
		want    []string
		wantErr string
	}{
		{name: "every container, by service then replica", want: []string{"broker", "webserver", "worker-1", "worker-2"}},
		{name: "named services, sorted, once each", give: []string{"webserver", "broker", "webserver"}, want: []string{"broker", "webserver"}},
		{name: "a scaled service gives each replica", give: []string{"worker"}, want: []string{"worker-1", "worker-2"}},
		{name: "unknown service lists the known", give: []string{"web"}, wantErr: `unknown service "web" in composition paperless; known: broker, webserver, worker`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := m.Select("paperless", tt.give)
			if tt.wantErr != "" {
				assert.EqualError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			var labels []string
			for _, s := range got {
				labels = append(labels, s.Label())
				assert.Equal(t, "paperless", s.Composition)
				// The unit is the replica's, numbered as compose numbers containers.
				assert.Equal(t, "docker-"+s.Container+".service", s.Unit)
				assert.Equal(t, s.Containers[s.Index-1], s.Replica)
			}
			assert.Equal(t, tt.want, labels)
		})
	}

	_, err = m.Select("nextcloud", nil)
	assert.EqualError(t, err, `unknown composition "nextcloud"; known: paperless`)
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name    string
		give    string
		wantErr string
	}{
		{name: "not JSON", give: `{`, wantErr: "parse: unexpected EOF"},
		{name: "other version", give: `{"version":4,"backend":"docker"}`, wantErr: "format version 4, but this khepri reads version 3: use the khepri of the running system (/run/current-system/sw/bin/khepri)"},
		{name: "version 1, a container per service", give: `{"version":1,"backend":"docker","compositions":{"a":{"target":"khepri-a.target","services":{"s":{"container":"a-s","unit":"docker-a-s.service"}}}}}`, wantErr: "format version 1, but this khepri reads version 3: use the khepri of the running system (/run/current-system/sw/bin/khepri)"},
		{name: "unknown field", give: `{"version":3,"backend":"docker","compositions":{"a":{"target":"khepri-a.target","services":{"s":{"container":"a-s","containers":[]}}}}}`, wantErr: `parse: json: unknown field "container"`},
		{name: "unknown backend", give: `{"version":3,"backend":"lxc"}`, wantErr: `backend "lxc": want "docker" or "podman"`},
		{name: "rootless without uid", give: `{"version":3,"backend":"podman","compositions":{"a":{"target":"khepri-a.target","user":"alice"}}}`, wantErr: "composition a runs as alice: that needs the podman backend and the user's uid"},
		{name: "rootless on docker", give: `{"version":3,"backend":"docker","compositions":{"a":{"target":"khepri-a.target","user":"alice","uid":1500}}}`, wantErr: "composition a runs as alice: that needs the podman backend and the user's uid"},
		{name: "no target", give: `{"version":3,"backend":"podman","compositions":{"a":{}}}`, wantErr: "composition a has no target"},
		{name: "service without containers", give: `{"version":3,"backend":"podman","compositions":{"a":{"target":"khepri-a.target","services":{"s":{"containers":[]}}}}}`, wantErr: "service a.s has no container"},
		{name: "container without unit", give: `{"version":3,"backend":"podman","compositions":{"a":{"target":"khepri-a.target","services":{"s":{"containers":[{"container":"a-s"}]}}}}}`, wantErr: "service a.s: each container needs a name and a unit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.give))
			assert.EqualError(t, err, tt.wantErr)
		})
	}
}

// The Go rendering is what `khepri config` prints; it must be stable and keep the
// empty lists Nix writes, so a manifest read and written again says the same.
func TestMarshalIsStable(t *testing.T) {
	m, err := Parse([]byte(paperless))
	require.NoError(t, err)
	first, err := m.Marshal()
	require.NoError(t, err)
	again, err := Parse(first)
	require.NoError(t, err)
	second, err := again.Marshal()
	require.NoError(t, err)
	assert.Equal(t, string(first), string(second))
	assert.Contains(t, string(first), "\"ports\": [],\n")
	assert.NotContains(t, string(first), "null")

	empty, err := Parse([]byte(`{"version":3,"backend":"docker"}`))
	require.NoError(t, err)
	data, err := empty.Marshal()
	require.NoError(t, err)
	assert.Equal(t, "{\n  \"version\": 3,\n  \"backend\": \"docker\",\n  \"compositions\": {}\n}\n", string(data))
}
