package service

import (
	"maps"
	"slices"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/systemd"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// Compose's own labels, which group containers by composition in compose-aware tools.
const (
	projectLabel = "com.docker.compose.project"
	serviceLabel = "com.docker.compose.service"
)

// labels sets the container's labels: compose's own, then the service's.
func labels(c *Composition, name string, ctr *khepriv1.Container, svc *khepriv1.Service, path diag.Path, d *diag.Collector) {
	ctr.Labels = map[string]string{projectLabel: c.Name, serviceLabel: name}
	for _, k := range slices.Sorted(maps.Keys(svc.GetLabels())) {
		if err := systemd.LabelName(c.Backend, k); err != nil {
			d.Errorf(path.Field("labels").Key(k), "%v", err)
			continue
		}
		switch k {
		case projectLabel, serviceLabel:
			d.Warnf(path.Field("labels").Key(k), "label %s is set by khepri, as compose sets it, to %q; the value given is ignored", k, ctr.Labels[k])
		default:
			ctr.Labels[k] = svc.GetLabels()[k]
		}
	}
}
