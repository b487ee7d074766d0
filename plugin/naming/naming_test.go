package naming

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		give    func() error
		wantErr bool
	}{
		{name: "composition", give: func() error { return ValidateComposition("paperless_2-x") }},
		{name: "composition uppercase", give: func() error { return ValidateComposition("Paperless") }, wantErr: true},
		{name: "composition leading dash", give: func() error { return ValidateComposition("-x") }, wantErr: true},
		{name: "composition empty", give: func() error { return ValidateComposition("") }, wantErr: true},
		{name: "service", give: func() error { return ValidateService("Web.1_a-b") }},
		{name: "service leading dot", give: func() error { return ValidateService(".web") }, wantErr: true},
		{name: "engine", give: func() error { return ValidateEngine("network", "proxy_net.1-a") }},
		{name: "engine slash", give: func() error { return ValidateEngine("volume", "a/b") }, wantErr: true},
		{name: "engine newline", give: func() error { return ValidateEngine("volume", "a\n") }, wantErr: true},
		{name: "user", give: func() error { return ValidateUser("_svc.paper-less1") }},
		{name: "user leading digit", give: func() error { return ValidateUser("1500") }, wantErr: true},
		{name: "user leading dash", give: func() error { return ValidateUser("-alice") }, wantErr: true},
		{name: "user with space", give: func() error { return ValidateUser("al ice") }, wantErr: true},
		{name: "user of 33 characters", give: func() error { return ValidateUser(strings.Repeat("a", 33)) }, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.wantErr {
				require.Error(t, tt.give())
			} else {
				require.NoError(t, tt.give())
			}
		})
	}
}

func TestNames(t *testing.T) {
	tests := []struct {
		name string
		give string
		want string
	}{
		{name: "container", give: Container("paperless", "db", ""), want: "paperless-db"},
		{name: "container name", give: Container("paperless", "webserver", "paperless_web"), want: "paperless_web"},
		{name: "resource", give: Resource("paperless", "pgdata", "", false), want: "paperless_pgdata"},
		{name: "resource name", give: Resource("paperless", "pgdata", "pg", false), want: "pg"},
		{name: "external", give: Resource("paperless", "proxy_net", "", true), want: "proxy_net"},
		{name: "external name", give: Resource("paperless", "proxy", "traefik", true), want: "traefik"},
		{name: "container unit", give: ContainerUnit(Podman, "paperless-db"), want: "podman-paperless-db"},
		{name: "resources unit", give: Service(ResourcesUnit("c")), want: "khepri-c-resources.service"},
		{name: "target", give: TargetFile(Target("c")), want: "khepri-c.target"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.give)
		})
	}
}

func TestParseBackend(t *testing.T) {
	b, err := ParseBackend("podman")
	require.NoError(t, err)
	assert.Equal(t, Podman, b)
	_, err = ParseBackend("containerd")
	require.ErrorContains(t, err, `"docker" and "podman"`)
}

func TestCheckUnit(t *testing.T) {
	fits := "docker-" + strings.Repeat("a", UnitNameMax-len("docker-.service")) + ".service"
	require.Len(t, fits, 255)
	require.NoError(t, CheckUnit(fits, "containerName"))

	err := CheckUnit("docker-"+strings.Repeat("a", 300)+".service", "containerName")
	require.EqualError(t, err, "unit name docker-aaaaaaaaaaaaaaaaaaaaaaaaa…aaaaaaaa.service is 315 bytes, 60 more than systemd takes (UNIT_NAME_MAX: 255 bytes, the suffix included); shorten containerName")
}
