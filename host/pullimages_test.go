package main

import (
	"bytes"
	"context"
	"os"
	"os/user"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/khepri-nix/khepri/host/engine"
	"github.com/khepri-nix/khepri/host/pull"
)

// tagEngine is a pull.Engine whose pull moves ref's tag to image "new".
type tagEngine struct {
	as    *engine.User
	pulls int
}

func (e *tagEngine) Pull(context.Context, string) error { e.pulls++; return nil }

func (e *tagEngine) Images(_ context.Context, names ...string) (map[string]engine.Image, error) {
	out := map[string]engine.Image{}
	for _, n := range names {
		out[n] = engine.Image{ID: map[bool]string{true: n, false: "new"}[n == "old"]}
	}
	return out, nil
}

func (e *tagEngine) Containers(context.Context, ...string) ([]engine.Container, error) {
	return []engine.Container{{Name: "media-web", Project: "media", ImageID: "old"}}, nil
}

type recordUnits struct{ calls [][]string }

func (u *recordUnits) Restart(_ context.Context, units []string) error {
	u.calls = append(u.calls, units)
	return nil
}

const mediaPlan = `{"composition":"media","backend":"podman","user":"alice","uid":1500,"services":[
	{"name":"web","image":"ghcr.io/x/web:latest","every":"24h0m0s","containers":["media-web"],"units":["podman-media-web.service"]}]}`

func pullDeps(e *tagEngine, u *recordUnits, at time.Time) pullImagesDeps {
	return pullImagesDeps{
		engine:     func(_ string, as *engine.User) pull.Engine { e.as = as; return e },
		lookupUser: func(name string) (*engine.User, error) { return &engine.User{Name: name, UID: 1500}, nil },
		units:      u,
		now:        func() time.Time { return at },
	}
}

func TestPullImages(t *testing.T) {
	state := filepath.Join(t.TempDir(), "pull", "media.json")
	e, u := &tagEngine{}, &recordUnits{}
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var out bytes.Buffer
	opts := pullImagesOptions{plan: mediaPlan, state: state}
	require.NoError(t, runPullImages(context.Background(), opts, &out, pullDeps(e, u, at)))
	assert.Equal(t, "web: ghcr.io/x/web:latest old → new, restarting podman-media-web.service\n", out.String())
	assert.Equal(t, [][]string{{"podman-media-web.service"}}, u.calls)
	assert.Equal(t, "alice", e.as.Name, "a rootless composition's images are pulled in its user's podman")
	data, err := os.ReadFile(state)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"pulledAt": "2026-03-01T12:00:00Z"`)

	// An hour later the image is not due; --now pulls it.
	out.Reset()
	require.NoError(t, runPullImages(context.Background(), opts, &out, pullDeps(e, u, at.Add(time.Hour))))
	assert.Equal(t, "web: ghcr.io/x/web:latest not due: pulled at 2026-03-01T12:00:00Z, next after 2026-03-02T12:00:00Z\n", out.String())
	assert.Equal(t, 1, e.pulls)
	opts.now = true
	require.NoError(t, runPullImages(context.Background(), opts, &out, pullDeps(e, u, at.Add(time.Hour))))
	assert.Equal(t, 2, e.pulls)
}

func TestPullImagesRefuses(t *testing.T) {
	state := filepath.Join(t.TempDir(), "media.json")
	e, u := &tagEngine{}, &recordUnits{}
	deps := pullDeps(e, u, time.Now())

	err := runPullImages(context.Background(), pullImagesOptions{plan: `{"composition":"media"}`, state: state}, &bytes.Buffer{}, deps)
	assert.EqualError(t, err, `pull plan: backend "": want "docker" or "podman"`)

	deps.lookupUser = func(name string) (*engine.User, error) { return &engine.User{Name: name, UID: 1000}, nil }
	err = runPullImages(context.Background(), pullImagesOptions{plan: mediaPlan, state: state}, &bytes.Buffer{}, deps)
	assert.EqualError(t, err, "composition media runs in alice's rootless podman as uid 1500, and alice has uid 1000")

	deps.lookupUser = func(name string) (*engine.User, error) { return nil, user.UnknownUserError(name) }
	err = runPullImages(context.Background(), pullImagesOptions{plan: mediaPlan, state: state}, &bytes.Buffer{}, deps)
	assert.EqualError(t, err, "composition media runs in alice's rootless podman: user: unknown user alice")
	assert.Zero(t, e.pulls)
	assert.NoFileExists(t, state)
}
