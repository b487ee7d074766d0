package service

import (
	"maps"
	"slices"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/naming"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// dependencies starts the container unit with the units of the services it depends on,
// and returns the names of those that exist, for the cycle check.
func dependencies(c *Composition, name string, svc *khepriv1.Service, path diag.Path, d *diag.Collector) (*khepriv1.SystemdService, []string) {
	u := &khepriv1.SystemdService{}
	var deps []string
	for _, k := range slices.Sorted(maps.Keys(svc.GetDependsOn())) {
		dep := svc.GetDependsOn()[k]
		p := path.Field("dependsOn").Key(k)
		_, ok := c.Containers[k]
		switch {
		case k == name:
			d.Errorf(p, "service %q depends on itself", name)
			continue
		case !ok && c.Inactive[k] != "":
			d.Errorf(p, "service %q does not run (%s); enable it or drop the dependency", k, c.Inactive[k])
			continue
		case !ok:
			d.Errorf(p, "service %q is not a service of this composition; dependsOn names services of %s", k, c.Path.Field("services"))
			continue
		}
		switch cond := dep.GetCondition(); cond {
		case "", Started, Healthy, Completed:
			// An empty condition is the list form's; the Nix module fills it in. The
			// awaited service's unit waits (readiness), so ordering after it suffices.
		default:
			d.Errorf(p.Field("condition"), "invalid condition %q; allowed: %q, %q or %q", cond, Started, Healthy, Completed)
			continue
		}
		// Requires= restarts this container when the dependency is restarted, which is
		// compose's restart = true; a dependency that is only wanted needs PartOf= for
		// that. restart = false cannot be expressed while the dependency is required:
		// systemd's propagation is kept, and documented.
		required := dep == nil || dep.Required == nil || dep.GetRequired()
		for _, ctr := range c.ContainersOf(k) {
			unit := naming.Service(naming.ContainerUnit(c.Backend, ctr))
			addUnit(u, unit, required)
			if !required && dep.GetRestart() {
				u.PartOf = append(u.PartOf, unit)
			}
		}
		deps = append(deps, k)
	}
	return u, deps
}
