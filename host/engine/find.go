package engine

import "github.com/khepri-nix/khepri/proto/khepri/manifest"

// Find picks a service's container among the engine's: by the compose labels, preferring
// the manifest's name when an older container carries them too. A scaled service's
// replicas all carry the same labels, so a replica is found by its name only.
func Find(cs []Container, s manifest.Selected) (Container, bool) {
	var found Container
	ok := false
	for _, c := range cs {
		if c.Project != s.Composition || c.Service != s.Name {
			continue
		}
		if c.Name == s.Container {
			return c, true
		}
		if !ok && !s.Scaled() {
			found, ok = c, true
		}
	}
	return found, ok
}
