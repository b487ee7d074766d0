package importer

import (
	"context"
	"fmt"
	"maps"
	"slices"
)

// Images lists the image references of a compose project's services, as written
// (interpolated), sorted and without repeats: what `khepri lock -f` locks. Every
// service counts, those of profiles not selected too, since Import writes them all.
func Images(ctx context.Context, opts Options) (images []string, err error) {
	defer func() {
		if r := recover(); r != nil {
			images, err = nil, fmt.Errorf("internal error while loading the compose project: %v", r)
		}
	}()
	p, err := load(ctx, opts)
	if err != nil {
		return nil, err
	}
	services, _ := p.model["services"].(map[string]any)
	seen := map[string]bool{}
	for _, name := range slices.Sorted(maps.Keys(services)) {
		svc, _ := services[name].(map[string]any)
		if image, ok := svc["image"].(string); ok && image != "" {
			seen[image] = true
		}
	}
	return slices.Sorted(maps.Keys(seen)), nil
}
