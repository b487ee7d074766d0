package service

import (
	"maps"
	"slices"

	"github.com/khepri-nix/khepri/plugin/systemd"
)

// Compose's own labels, which group containers by composition in compose-aware tools.
const (
	projectLabel = "com.docker.compose.project"
	serviceLabel = "com.docker.compose.service"
)

// labels sets the container's labels: compose's own, then the service's.
func (r *run) labels() {
	r.ctr.Labels = map[string]string{projectLabel: r.c.Name, serviceLabel: r.name}
	for _, k := range slices.Sorted(maps.Keys(r.svc.GetLabels())) {
		if err := systemd.LabelName(r.c.Backend, k); err != nil {
			r.d.Errorf(r.path.Field("labels").Key(k), "%v", err)
			continue
		}
		switch k {
		case projectLabel, serviceLabel:
			r.d.Warnf(r.path.Field("labels").Key(k), "label %s is set by khepri, as compose sets it, to %q; the value given is ignored", k, r.ctr.Labels[k])
		default:
			r.ctr.Labels[k] = r.svc.GetLabels()[k]
		}
	}
}
