package engine

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The inspect output of docker 28 and of podman 4, trimmed to what khepri reads.
const dockerInspect = `[
 {"Id":"b2","Name":"/paperless-db","Image":"sha256:5e1f","Config":{"Image":"docker.io/library/postgres:15","Labels":{"com.docker.compose.project":"paperless","com.docker.compose.service":"db"}},
  "State":{"Status":"running","StartedAt":"2026-03-01T10:00:00.123456789Z","ExitCode":0,"Health":{"Status":"healthy"}},
  "NetworkSettings":{"Ports":{"5432/tcp":null}}},
 {"Id":"a1","Name":"/paperless_web","Config":{"Image":"ghcr.io/paperless-ngx/paperless-ngx:latest","Labels":{"com.docker.compose.project":"paperless","com.docker.compose.service":"webserver"}},
  "State":{"Status":"exited","StartedAt":"0001-01-01T00:00:00Z","ExitCode":1},
  "NetworkSettings":{"Ports":{"8000/tcp":[{"HostIp":"0.0.0.0","HostPort":"8000"},{"HostIp":"::","HostPort":"8000"}]}}},
 {"Id":"c3","Name":"/other-x","Config":{"Labels":{"com.docker.compose.project":"other","com.docker.compose.service":"x"}},"State":{"Status":"running"}}
]`

const podmanInspect = `[
 {"Id":"d4","Name":"hello-server","Image":"9a8b","Config":{"Image":"localhost/khepri-test/busybox:1","Labels":{"com.docker.compose.project":"hello","com.docker.compose.service":"server"}},
  "State":{"Status":"running","StartedAt":"2026-03-01T10:00:00.5+01:00","ExitCode":0,"Healthcheck":{"Status":"starting"}},
  "NetworkSettings":{"Ports":{"8080/tcp":[{"HostIp":"","HostPort":"8080"}]}}}
]`

func TestDecodeInspect(t *testing.T) {
	tests := []struct {
		name     string
		give     string
		projects []string
		want     []Container
	}{
		{
			name:     "docker, one project, sorted by name",
			give:     dockerInspect,
			projects: []string{"paperless"},
			want: []Container{
				{ID: "b2", Name: "paperless-db", Project: "paperless", Service: "db", Image: "docker.io/library/postgres:15", ImageID: "sha256:5e1f", State: "running", Health: "healthy",
					StartedAt: time.Date(2026, 3, 1, 10, 0, 0, 123456789, time.UTC)},
				{ID: "a1", Name: "paperless_web", Project: "paperless", Service: "webserver", Image: "ghcr.io/paperless-ngx/paperless-ngx:latest", State: "exited", ExitCode: 1,
					Ports: []string{"0.0.0.0:8000->8000/tcp", ":::8000->8000/tcp"}},
			},
		},
		{
			name: "every project",
			give: dockerInspect,
			want: []Container{
				{ID: "c3", Name: "other-x", Project: "other", Service: "x", State: "running"},
				{ID: "b2", Name: "paperless-db", Project: "paperless", Service: "db", Image: "docker.io/library/postgres:15", ImageID: "sha256:5e1f", State: "running", Health: "healthy",
					StartedAt: time.Date(2026, 3, 1, 10, 0, 0, 123456789, time.UTC)},
				{ID: "a1", Name: "paperless_web", Project: "paperless", Service: "webserver", Image: "ghcr.io/paperless-ngx/paperless-ngx:latest", State: "exited", ExitCode: 1,
					Ports: []string{"0.0.0.0:8000->8000/tcp", ":::8000->8000/tcp"}},
			},
		},
		{
			name: "podman: no slash, Healthcheck, empty host IP",
			give: podmanInspect,
			want: []Container{
				{ID: "d4", Name: "hello-server", Project: "hello", Service: "server", Image: "localhost/khepri-test/busybox:1", ImageID: "sha256:9a8b", State: "running", Health: "starting",
					StartedAt: time.Date(2026, 3, 1, 9, 0, 0, 500000000, time.UTC), Ports: []string{"0.0.0.0:8080->8080/tcp"}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeInspect([]byte(tt.give), tt.projects)
			require.NoError(t, err)
			require.Len(t, got, len(tt.want))
			for i := range got {
				assert.True(t, tt.want[i].StartedAt.Equal(got[i].StartedAt), "%s started %s, want %s", got[i].Name, got[i].StartedAt, tt.want[i].StartedAt)
				got[i].StartedAt, tt.want[i].StartedAt = time.Time{}, time.Time{}
			}
			assert.Equal(t, tt.want, got)
		})
	}

	_, err := decodeInspect([]byte("Error"), nil)
	assert.ErrorContains(t, err, "read the engine's container inspect output")
}

func TestImageDigest(t *testing.T) {
	a, b, c := "sha256:"+strings.Repeat("a", 64), "sha256:"+strings.Repeat("b", 64), "sha256:"+strings.Repeat("c", 64)
	img := Image{ID: "sha256:1d", RepoDigests: []string{"ghcr.io/other/app@" + a, "ghcr.io/acme/app@" + b, "redis@" + c, "ghcr.io/other/app@" + c}}
	tests := []struct {
		name string
		give string
		want string
	}{
		{name: "the repository's registry digest", give: "ghcr.io/acme/app:latest", want: b},
		{name: "references read as the engines read them", give: "redis:7", want: c},
		{name: "no digest in that repository: the ID", give: "ghcr.io/acme/web:1", want: "sha256:1d"},
		{name: "not a reference: the ID", give: "sha256:1d", want: "sha256:1d"},
		// Podman lists every digest of the image under each of its repositories.
		{name: "the digest a pinned reference names, not the first", give: "ghcr.io/other/app:1@" + c, want: c},
		{name: "the digest a pinned reference names under another repository", give: "ghcr.io/acme/web:1@" + c, want: c},
		{name: "a pinned digest the image lacks: the first", give: "ghcr.io/acme/app@sha256:" + strings.Repeat("d", 64), want: b},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, img.Digest(tt.give))
		})
	}
	assert.Equal(t, "0123456789ab", ShortDigest("sha256:0123456789abcdef"))

	// An image and its successor under a tag: by digests when both have one there, by
	// IDs otherwise (podman forgets the old one's digest there once the tag moves).
	now := Image{ID: "sha256:2d", RepoDigests: []string{"ghcr.io/acme/app@" + c}}
	o, n := Digests("ghcr.io/acme/app:latest", img, now)
	assert.Equal(t, []string{b, c}, []string{o, n})
	o, n = Digests("ghcr.io/acme/app:latest", Image{ID: "sha256:1d"}, now)
	assert.Equal(t, []string{"sha256:1d", "sha256:2d"}, []string{o, n})
	assert.Equal(t, "0123", ShortDigest("0123"))
}

func TestClassify(t *testing.T) {
	c := New("docker", nil)
	exitErr := errors.New("exit status 1")
	tests := []struct {
		name    string
		err     error
		stderr  string
		wantIs  error
		wantErr string
	}{
		{
			name:    "not installed",
			err:     exec.ErrNotFound,
			wantIs:  ErrUnreachable,
			wantErr: "engine not reachable: docker is not installed or not on PATH",
		},
		{
			name:    "daemon down",
			err:     exitErr,
			stderr:  "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n",
			wantIs:  ErrUnreachable,
			wantErr: "engine not reachable: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running? (is docker.service running? systemctl status docker)",
		},
		{
			name:    "not in the docker group",
			err:     exitErr,
			stderr:  "permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: dial unix /var/run/docker.sock: connect: permission denied\n",
			wantIs:  ErrPermission,
			wantErr: "permission denied talking to the docker engine (permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: dial unix /var/run/docker.sock: connect: permission denied): add your user to the docker group (then log in again) or run khepri with sudo",
		},
		{
			name:    "anything else keeps the engine's last line",
			err:     exitErr,
			stderr:  "warning\nError response from daemon: No such container: x\n",
			wantErr: "docker: Error response from daemon: No such container: x",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.classify(tt.err, []byte(tt.stderr))
			assert.EqualError(t, err, tt.wantErr)
			if tt.wantIs != nil {
				assert.ErrorIs(t, err, tt.wantIs)
			}
		})
	}
}

func TestEngineNotInstalled(t *testing.T) {
	_, err := New("khepri-no-such-engine", nil).Containers(context.Background())
	assert.ErrorIs(t, err, ErrUnreachable)
	assert.EqualError(t, err, "engine not reachable: khepri-no-such-engine is not installed or not on PATH")
}

func TestCommandAsUser(t *testing.T) {
	alice := &User{Name: "alice", UID: 1500, GID: 100, Home: "/home/alice"}
	cmd := New("podman", alice).command(context.Background(), "ps")
	require.NotNil(t, cmd.SysProcAttr)
	assert.Equal(t, &syscall.Credential{Uid: 1500, Gid: 100}, cmd.SysProcAttr.Credential)
	assert.Equal(t, "/home/alice", cmd.Dir)
	// Later entries win: the user's, over this process's.
	n := len(cmd.Env)
	assert.Equal(t, []string{"HOME=/home/alice", "USER=alice", "LOGNAME=alice", "XDG_RUNTIME_DIR=/run/user/1500"}, cmd.Env[n-4:])

	own := New("podman", nil).command(context.Background(), "ps")
	assert.Nil(t, own.SysProcAttr)
	assert.Nil(t, own.Env)
}
