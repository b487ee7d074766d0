package service

import (
	"maps"
	"slices"

	"github.com/khepri-nix/khepri/plugin/naming"
)

// dependencies orders the container after the units of the services it depends on, and
// returns the names of those that exist, for the cycle check.
func (r *run) dependencies() []string {
	var deps []string
	for _, k := range slices.Sorted(maps.Keys(r.svc.GetDependsOn())) {
		dep := r.svc.GetDependsOn()[k]
		p := r.path.Field("dependsOn").Key(k)
		_, ok := r.c.Containers[k]
		switch {
		case k == r.name:
			r.d.Errorf(p, "service %q depends on itself", r.name)
			continue
		case !ok && r.c.Inactive[k] != "":
			r.d.Errorf(p, "service %q does not run (%s); enable it or drop the dependency", k, r.c.Inactive[k])
			continue
		case !ok:
			r.d.Errorf(p, "service %q is not a service of this composition; dependsOn names services of %s", k, r.c.Path.Field("services"))
			continue
		}
		switch cond := dep.GetCondition(); cond {
		case "", Started, Healthy, Completed:
			// An empty condition is the list form's; the Nix module fills it in. The
			// awaited service's unit waits (readiness), so ordering after it suffices.
		default:
			r.d.Errorf(p.Field("condition"), "invalid condition %q; allowed: %q, %q or %q", cond, Started, Healthy, Completed)
			continue
		}
		// Requires= restarts this container when the dependency is restarted, which is
		// compose's restart = true; a dependency that is only wanted needs PartOf= for
		// that. restart = false cannot be expressed while the dependency is required:
		// systemd's propagation is kept, and documented.
		required := dep == nil || dep.Required == nil || dep.GetRequired()
		for _, ctr := range r.c.ContainersOf(k) {
			unit := naming.Service(naming.ContainerUnit(r.c.Backend, ctr))
			addUnit(r.unit, unit, required)
			if !required && dep.GetRestart() {
				r.unit.PartOf = append(r.unit.PartOf, unit)
			}
		}
		deps = append(deps, k)
	}
	return deps
}
