//go:build engine

package engine

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// registryHost is an engine that pulls from a registry the test serves on 127.0.0.1,
// as the scheduled-pull and pinned-image tests use it: docker, or root's or a
// rootless user's podman.
type registryHost struct {
	backend string
	// user and uid: a rootless composition's.
	user string
	uid  int
	// env is what pull-images and the units get: podman's settings.
	env []string
	// expand expands the composition named name, with settings (imageLock,
	// imageFetch, …) added to the request.
	expand func(t *testing.T, name, composition string, settings map[string]any) *stack
	// uniqueName names the composition, removing what it leaves when the test ends.
	uniqueName func(t *testing.T) string
	// imageID is the ID of the image a reference (or a container, with container set)
	// names in this engine, "sha256:…"; "" when it has none.
	imageID func(t *testing.T, kind, name string) string
	// serving waits until the container's probe answers on its port 8080.
	serving func(t *testing.T, ctr string)
	// dropLocal removes the engine's images of a repository.
	dropLocal func(t *testing.T, repo string)
}

func dockerRegistryHost() registryHost {
	return registryHost{
		backend: "docker",
		expand: func(t *testing.T, name, composition string, settings map[string]any) *stack {
			req := map[string]any{"backend": "docker",
				"compositions": map[string]json.RawMessage{name: json.RawMessage(strings.ReplaceAll(composition, "PROBE", probeImage))}}
			maps.Copy(req, settings)
			return expandRequest(t, name, mustJSON(t, req))
		},
		uniqueName: uniqueName,
		imageID: func(t *testing.T, kind, name string) string {
			out, err := dockerErr(kind, "inspect", "--format", "{{.Id}}", name)
			if kind == "container" {
				out, err = dockerErr(kind, "inspect", "--format", "{{.Image}}", name)
			}
			if err != nil {
				return ""
			}
			return out
		},
		serving:   func(t *testing.T, ctr string) { serving(t, ctr, 8080) },
		dropLocal: dropLocal,
	}
}

// podmanRegistryHost is podman as owner ("" for root), set to pull from the registry on
// 127.0.0.1 over plain HTTP, which podman (unlike docker) refuses unless
// registries.conf marks it insecure.
func podmanRegistryHost(t *testing.T, h *podmanHost, owner, registry string) registryHost {
	t.Helper()
	conf := filepath.Join(h.dir, freshName()+"-registries.conf")
	if err := os.WriteFile(conf, []byte("[[registry]]\nlocation = \""+registry+"\"\ninsecure = true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := append(append([]string{}, h.env...), "CONTAINERS_REGISTRIES_CONF="+conf)
	p := registryHost{
		backend:    "podman",
		env:        env,
		uniqueName: h.uniqueName,
		imageID: func(t *testing.T, kind, name string) string {
			out, err := h.run(owner, kind, "inspect", "--format", map[string]string{"image": "{{.Id}}", "container": "{{.Image}}"}[kind], name)
			if err != nil {
				return ""
			}
			return "sha256:" + strings.TrimPrefix(out, "sha256:")
		},
		serving: func(t *testing.T, ctr string) { h.get(t, owner, ctr, "http://127.0.0.1:8080/") },
		// An image pulled or loaded from the registry may be one podman has under other
		// tags (the probe image, whose ID it shares): those keep it, and it loses only
		// the repository's tags.
		dropLocal: func(t *testing.T, repo string) {
			ids := strings.Fields(h.podman(t, owner, "image", "ls", "-q", "--no-trunc", "--filter", "reference="+repo))
			for _, id := range slices.Compact(slices.Sorted(slices.Values(ids))) {
				var tags []string
				if err := json.Unmarshal([]byte(h.podman(t, owner, "image", "inspect", "--format", "{{json .RepoTags}}", id)), &tags); err != nil {
					t.Fatal(err)
				}
				mine := slices.DeleteFunc(slices.Clone(tags), func(tag string) bool { return !strings.HasPrefix(tag, repo+":") })
				switch {
				case len(mine) == len(tags):
					_, _ = h.run(owner, "rmi", "-f", id)
				case len(mine) > 0:
					// `podman untag` without a name would drop every tag.
					_, _ = h.run(owner, append([]string{"untag", id}, mine...)...)
				}
			}
		},
	}
	if owner != "" {
		p.user, p.uid = owner, h.uid
	}
	p.expand = func(t *testing.T, name, composition string, settings map[string]any) *stack {
		var c map[string]any
		if err := json.Unmarshal([]byte(composition), &c); err != nil {
			t.Fatal(err)
		}
		if owner != "" {
			c["podman"] = map[string]any{"user": owner, "uid": h.uid}
		}
		s := h.expandWith(t, name, mustJSON(t, map[string]any{name: c}), settings)
		s.runner.Env = env
		return s
	}
	return p
}
