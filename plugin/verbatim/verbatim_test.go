package verbatim

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestImage(t *testing.T) {
	for _, give := range []string{
		"postgres",
		"postgres:15",
		"docker.io/library/postgres:15",
		"ghcr.io/paperless-ngx/paperless-ngx:latest",
		"registry.local:5000/team/app:1.2.3",
		"[::1]:5000/app:1",
		"[2001:db8::1]:5000/app",
		"app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"app:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"localhost/nginx-dockertools:abc123",
	} {
		assert.NoError(t, Image(give), give)
	}
	for _, give := range []string{
		"",
		"app:1 $(touch /tmp/x)",
		"-v /:/host app:1",
		"app:1;id",
		"app:`id`",
		"app:1\nid",
		"App:1",
		"app:1 ",
		" app:1",
		"app|id",
		"app>x",
		"app:$HOME",
		"app:1&",
		"app:*",
		"app:{a,b}",
		"~root/app",
		"app:'x'",
		"app\\x",
	} {
		err := Image(give)
		if assert.Error(t, err, give) {
			assert.Contains(t, err.Error(), "invalid image reference")
		}
	}
}

func TestLogDriver(t *testing.T) {
	for _, give := range []string{"json-file", "journald", "local", "none", "syslog", "k8s-file", "passthrough", "gelf", "grafana/loki-docker-driver:latest"} {
		assert.NoError(t, LogDriver(give), give)
	}
	for _, give := range []string{
		"",
		"json-file$(touch /tmp/x)",
		"json-file --privileged",
		"journald;id",
		"-v",
		"JSON-file",
		"local@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"local\n",
	} {
		err := LogDriver(give)
		if assert.Error(t, err, give) {
			assert.Contains(t, err.Error(), "invalid log driver")
		}
	}
}
