package pull

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/khepri-nix/khepri/host/engine"
	"github.com/khepri-nix/khepri/proto/khepri/pullplan"
)

// digest is a registry digest made of one repeated hex digit.
func digest(c string) string { return "sha256:" + strings.Repeat(c, 64) }

// fakeEngine has local tags, a registry that a pull copies tags from, and containers.
type fakeEngine struct {
	// tags and registry map a reference to an image ID.
	tags, registry map[string]string
	// images are the local images by ID.
	images     map[string]engine.Image
	pullErr    map[string]string
	containers []engine.Container
	// listErr fails the listing of containers.
	listErr string
	pulls   []string
}

func (f *fakeEngine) Pull(_ context.Context, ref string) error {
	f.pulls = append(f.pulls, ref)
	if msg, ok := f.pullErr[ref]; ok {
		return errors.New(msg)
	}
	f.tags[ref] = f.registry[ref]
	return nil
}

func (f *fakeEngine) Images(_ context.Context, names ...string) (map[string]engine.Image, error) {
	out := map[string]engine.Image{}
	for _, n := range names {
		id, ok := f.tags[n]
		if !ok {
			id = n
		}
		if img, ok := f.images[id]; ok {
			out[n] = img
		}
	}
	return out, nil
}

func (f *fakeEngine) Containers(_ context.Context, projects ...string) ([]engine.Container, error) {
	if f.listErr != "" {
		return nil, errors.New(f.listErr)
	}
	var out []engine.Container
	for _, c := range f.containers {
		if slices.Contains(projects, c.Project) {
			out = append(out, c)
		}
	}
	return out, nil
}

type fakeUnits struct {
	calls [][]string
	err   error
}

func (u *fakeUnits) Restart(_ context.Context, units []string) error {
	u.calls = append(u.calls, units)
	return u.err
}

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// scene is composition c: db (postgres, unchanged in the registry) and web (the tag
// moved from image 1 to image 2), each with a running container, and an unrelated
// container of another composition on web's old image.
func scene() *fakeEngine {
	return &fakeEngine{
		tags: map[string]string{"postgres:15": "id-db", "ghcr.io/x/web:latest": "id-web1"},
		registry: map[string]string{"postgres:15": "id-db", "ghcr.io/x/web:latest": "id-web2",
			"ghcr.io/x/worker:1": "id-worker"},
		images: map[string]engine.Image{
			"id-db":     {ID: "id-db", RepoDigests: []string{"postgres@" + digest("d")}},
			"id-web1":   {ID: "id-web1", RepoDigests: []string{"ghcr.io/x/web@" + digest("1")}},
			"id-web2":   {ID: "id-web2", RepoDigests: []string{"ghcr.io/x/web@" + digest("2")}},
			"id-worker": {ID: "id-worker"},
		},
		containers: []engine.Container{
			{Name: "c-db", Project: "c", ImageID: "id-db"},
			{Name: "c-web", Project: "c", ImageID: "id-web1"},
			{Name: "other-web", Project: "other", ImageID: "id-web1"},
		},
	}
}

func plan() *pullplan.Plan {
	return &pullplan.Plan{Composition: "c", Backend: "docker", Services: []pullplan.Service{
		{Name: "db", Image: "postgres:15", Every: "24h0m0s", Containers: []string{"c-db"}, Units: []string{"docker-c-db.service"}},
		{Name: "web", Image: "ghcr.io/x/web:latest", Every: "168h0m0s", Containers: []string{"c-web"}, Units: []string{"docker-c-web.service"}},
	}}
}

func pulledAt(image string, ago time.Duration) Pulled { return Pulled{Image: image, At: now.Add(-ago)} }

func TestRun(t *testing.T) {
	tests := []struct {
		name     string
		engine   func(*fakeEngine)
		plan     func(*pullplan.Plan)
		prev     map[string]Pulled
		force    bool
		units    error
		want     string
		pulls    []string
		restarts [][]string
		state    map[string]Pulled
		wantErr  string
	}{
		{
			name:     "a new image behind the tag restarts its container only",
			want:     "db: postgres:15 unchanged\nweb: ghcr.io/x/web:latest " + digest("1") + " → " + digest("2") + ", restarting docker-c-web.service\n",
			pulls:    []string{"postgres:15", "ghcr.io/x/web:latest"},
			restarts: [][]string{{"docker-c-web.service"}},
			state:    map[string]Pulled{"db": pulledAt("postgres:15", 0), "web": pulledAt("ghcr.io/x/web:latest", 0)},
		},
		{
			name:   "nothing new restarts nothing",
			engine: func(e *fakeEngine) { e.registry["ghcr.io/x/web:latest"] = "id-web1" },
			want:   "db: postgres:15 unchanged\nweb: ghcr.io/x/web:latest unchanged\n",
			pulls:  []string{"postgres:15", "ghcr.io/x/web:latest"},
			state:  map[string]Pulled{"db": pulledAt("postgres:15", 0), "web": pulledAt("ghcr.io/x/web:latest", 0)},
		},
		{
			name: "before its interval a service is not pulled",
			prev: map[string]Pulled{"db": pulledAt("postgres:15", 23*time.Hour), "web": pulledAt("ghcr.io/x/web:latest", 7*24*time.Hour)},
			want: "db: postgres:15 not due: pulled at 2026-02-28T13:00:00Z, next after 2026-03-01T13:00:00Z\n" +
				"web: ghcr.io/x/web:latest " + digest("1") + " → " + digest("2") + ", restarting docker-c-web.service\n",
			pulls:    []string{"ghcr.io/x/web:latest"},
			restarts: [][]string{{"docker-c-web.service"}},
			state:    map[string]Pulled{"db": pulledAt("postgres:15", 23*time.Hour), "web": pulledAt("ghcr.io/x/web:latest", 0)},
		},
		{
			name:     "--now pulls what is not due",
			prev:     map[string]Pulled{"db": pulledAt("postgres:15", time.Hour), "web": pulledAt("ghcr.io/x/web:latest", time.Hour)},
			force:    true,
			want:     "db: postgres:15 unchanged\nweb: ghcr.io/x/web:latest " + digest("1") + " → " + digest("2") + ", restarting docker-c-web.service\n",
			pulls:    []string{"postgres:15", "ghcr.io/x/web:latest"},
			restarts: [][]string{{"docker-c-web.service"}},
			state:    map[string]Pulled{"db": pulledAt("postgres:15", 0), "web": pulledAt("ghcr.io/x/web:latest", 0)},
		},
		{
			name:  "a service given another image is due at once; one gone is forgotten",
			prev:  map[string]Pulled{"db": pulledAt("postgres:14", time.Hour), "web": pulledAt("ghcr.io/x/web:latest", time.Hour), "gone": pulledAt("x:1", time.Hour)},
			want:  "db: postgres:15 unchanged\nweb: ghcr.io/x/web:latest not due: pulled at 2026-03-01T11:00:00Z, next after 2026-03-08T11:00:00Z\n",
			pulls: []string{"postgres:15"},
			state: map[string]Pulled{"db": pulledAt("postgres:15", 0), "web": pulledAt("ghcr.io/x/web:latest", time.Hour)},
		},
		{
			name:     "a pull recorded in the future (the clock went back) is due",
			prev:     map[string]Pulled{"db": pulledAt("postgres:15", -time.Hour), "web": pulledAt("ghcr.io/x/web:latest", -time.Hour)},
			want:     "db: postgres:15 unchanged\nweb: ghcr.io/x/web:latest " + digest("1") + " → " + digest("2") + ", restarting docker-c-web.service\n",
			pulls:    []string{"postgres:15", "ghcr.io/x/web:latest"},
			restarts: [][]string{{"docker-c-web.service"}},
			state:    map[string]Pulled{"db": pulledAt("postgres:15", 0), "web": pulledAt("ghcr.io/x/web:latest", 0)},
		},
		{
			name: "a failed pull is reported, the others go ahead, and the run fails",
			engine: func(e *fakeEngine) {
				e.pullErr = map[string]string{"postgres:15": "docker: Error response from daemon: toomanyrequests"}
			},
			prev: map[string]Pulled{"db": pulledAt("postgres:15", 48*time.Hour)},
			want: "db: postgres:15: pull failed: docker: Error response from daemon: toomanyrequests\n" +
				"web: ghcr.io/x/web:latest " + digest("1") + " → " + digest("2") + ", restarting docker-c-web.service\n",
			pulls:    []string{"postgres:15", "ghcr.io/x/web:latest"},
			restarts: [][]string{{"docker-c-web.service"}},
			state:    map[string]Pulled{"db": pulledAt("postgres:15", 48*time.Hour), "web": pulledAt("ghcr.io/x/web:latest", 0)},
			wantErr:  "c: the pull of db failed",
		},
		{
			name:     "a failed restart leaves the pull unrecorded, to be done again",
			units:    errors.New("Job for docker-c-web.service failed."),
			want:     "db: postgres:15 unchanged\nweb: ghcr.io/x/web:latest " + digest("1") + " → " + digest("2") + ", restarting docker-c-web.service\nrestarting docker-c-web.service failed: Job for docker-c-web.service failed.\n",
			pulls:    []string{"postgres:15", "ghcr.io/x/web:latest"},
			restarts: [][]string{{"docker-c-web.service"}},
			state:    map[string]Pulled{"db": pulledAt("postgres:15", 0)},
			wantErr:  "c: the restart of docker-c-web.service failed",
		},
		{
			// db's new image has no registry digest under postgres: both are named by ID.
			name:   "changed images restart in plan order, in one call",
			engine: func(e *fakeEngine) { e.registry["postgres:15"] = "id-web2" },
			want: "db: postgres:15 id-db → id-web2, restarting docker-c-db.service\n" +
				"web: ghcr.io/x/web:latest " + digest("1") + " → " + digest("2") + ", restarting docker-c-web.service\n",
			pulls:    []string{"postgres:15", "ghcr.io/x/web:latest"},
			restarts: [][]string{{"docker-c-db.service", "docker-c-web.service"}},
			state:    map[string]Pulled{"db": pulledAt("postgres:15", 0), "web": pulledAt("ghcr.io/x/web:latest", 0)},
		},
		{
			name: "a scaled service restarts the replicas on the old image",
			engine: func(e *fakeEngine) {
				e.containers = []engine.Container{
					{Name: "c-web-1", Project: "c", ImageID: "id-web1"},
					{Name: "c-web-2", Project: "c", ImageID: "id-web2"},
					{Name: "c-web-3", Project: "c", ImageID: "id-web1"},
				}
			},
			plan: func(p *pullplan.Plan) {
				p.Services = []pullplan.Service{{Name: "web", Image: "ghcr.io/x/web:latest", Every: "1h",
					Containers: []string{"c-web-1", "c-web-2", "c-web-3"},
					Units:      []string{"docker-c-web-1.service", "docker-c-web-2.service", "docker-c-web-3.service"}}}
			},
			want:     "web: ghcr.io/x/web:latest " + digest("1") + " → " + digest("2") + ", restarting docker-c-web-1.service, docker-c-web-3.service\n",
			pulls:    []string{"ghcr.io/x/web:latest"},
			restarts: [][]string{{"docker-c-web-1.service", "docker-c-web-3.service"}},
			state:    map[string]Pulled{"web": pulledAt("ghcr.io/x/web:latest", 0)},
		},
		{
			name:   "no container runs: nothing to restart",
			engine: func(e *fakeEngine) { e.containers = nil },
			want:   "db: postgres:15 " + digest("d") + ", no container of it runs\nweb: ghcr.io/x/web:latest " + digest("2") + ", no container of it runs\n",
			pulls:  []string{"postgres:15", "ghcr.io/x/web:latest"},
			state:  map[string]Pulled{"db": pulledAt("postgres:15", 0), "web": pulledAt("ghcr.io/x/web:latest", 0)},
		},
		{
			name:    "containers that cannot be listed: nothing restarted, nothing recorded",
			engine:  func(e *fakeEngine) { e.listErr = "engine not reachable" },
			want:    "db: list the containers of c: engine not reachable\nweb: list the containers of c: engine not reachable\n",
			pulls:   []string{"postgres:15", "ghcr.io/x/web:latest"},
			state:   map[string]Pulled{},
			wantErr: "c: the check of db, the check of web failed",
		},
		{
			name: "pinned services: one line naming them, nothing pulled",
			plan: func(p *pullplan.Plan) {
				p.Services = nil
				p.Pinned = []string{"web", "db"}
			},
			want:  "db, web: pinned by the image lock, never re-pulled\n",
			state: map[string]Pulled{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := scene()
			if tt.engine != nil {
				tt.engine(e)
			}
			p := plan()
			if tt.plan != nil {
				tt.plan(p)
			}
			prev := State{Services: map[string]Pulled{}}
			if tt.prev != nil {
				prev.Services = tt.prev
			}
			u := &fakeUnits{err: tt.units}
			var out bytes.Buffer
			st, err := Run(context.Background(), p, prev, Options{Now: now, Force: tt.force}, e, u, &out)
			if tt.wantErr != "" {
				assert.EqualError(t, err, tt.wantErr)
			} else {
				assert.NoError(t, err)
			}
			assert.Equal(t, tt.want, out.String())
			assert.Equal(t, tt.pulls, e.pulls)
			assert.Equal(t, tt.restarts, u.calls)
			assert.Equal(t, tt.state, st.Services)
		})
	}
}

func TestStateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.json")
	st, err := ReadState(path)
	require.NoError(t, err, "a missing file is a state where nothing was pulled")
	assert.Empty(t, st.Services)

	st.Services["web"] = Pulled{Image: "ghcr.io/x/web:latest", At: now}
	st.Services["db"] = Pulled{Image: "postgres:15", At: now.Add(-time.Hour)}
	data, err := st.Marshal()
	require.NoError(t, err)
	assert.Equal(t, `{
  "services": {
    "db": {
      "image": "postgres:15",
      "pulledAt": "2026-03-01T11:00:00Z"
    },
    "web": {
      "image": "ghcr.io/x/web:latest",
      "pulledAt": "2026-03-01T12:00:00Z"
    }
  }
}
`, string(data))
	require.NoError(t, os.WriteFile(path, data, 0o644))
	back, err := ReadState(path)
	require.NoError(t, err)
	assert.Equal(t, st, back)

	require.NoError(t, os.WriteFile(path, []byte("{"), 0o644))
	_, err = ReadState(path)
	assert.ErrorContains(t, err, "remove it to pull every image at the next run")
}
