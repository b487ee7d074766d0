package service

import (
	"maps"
	"slices"
	"strings"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/naming"
	"github.com/khepri-nix/khepri/plugin/parse"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// mounts maps short-syntax volumes, rewriting named volumes to their engine names, and
// returns the keys of the named volumes used.
func mounts(c *Composition, ctr *khepriv1.Container, svc *khepriv1.Service, path diag.Path, d *diag.Collector) []string {
	var used []string
	for i, s := range svc.GetVolumes() {
		p := path.Field("volumes").Index(i)
		m, err := parse.ParseMount(s)
		if err != nil {
			d.Errorf(p, "%v", err)
			continue
		}
		switch m.Kind {
		case parse.Named:
			v, ok := c.Volumes[m.Source]
			if !ok {
				d.Errorf(p, "volume %q is not declared in %s; declare it there, or use an absolute path for a bind mount", m.Source, c.Path.Field("volumes"))
				continue
			}
			used = append(used, m.Source)
			m.Source = v.Name
		case parse.Anonymous:
			d.Warnf(p, "anonymous volume %s: oci-containers removes the container, and with it this volume, on every stop (compose keeps it); declare a named volume to keep its data", m.Target)
		}
		ctr.Volumes = append(ctr.Volumes, m.String())
	}
	slices.Sort(used)
	return slices.Compact(used)
}

// networks joins the service to each of its networks (the default network when it lists
// none), with its service name and aliases as DNS names, in sorted key order. Docker's
// plain --network-alias applies to the first network only, hence the long forms.
func networks(c *Composition, name string, ctr *khepriv1.Container, svc *khepriv1.Service, path diag.Path, d *diag.Collector) []string {
	nets := svc.GetNetworks()
	if len(nets) == 0 {
		nets = map[string]*khepriv1.ServiceNetwork{"default": nil}
	}
	var used []string
	for _, k := range sortedKeys(nets) {
		p := path.Field("networks").Key(k)
		n, ok := c.Networks[k]
		if !ok {
			d.Errorf(p, "network %q is not declared in %s; declare it there (external = true for a network created outside the composition)", k, c.Path.Field("networks"))
			continue
		}
		aliases := []string{name}
		for i, a := range nets[k].GetAliases() {
			if err := naming.ValidateEngine("alias", a); err != nil {
				d.Errorf(p.Field("aliases").Index(i), "%v", err)
				continue
			}
			aliases = append(aliases, a)
		}
		used = append(used, k)
		ctr.ExtraOptions = append(ctr.ExtraOptions, networkFlag(c.Backend, n.Name, aliases))
	}
	return used
}

func networkFlag(b naming.Backend, network string, aliases []string) string {
	if b == naming.Podman {
		return "--network=" + network + ":alias=" + strings.Join(aliases, ",alias=")
	}
	return "--network=name=" + network + ",alias=" + strings.Join(aliases, ",alias=")
}

// dependencies starts the container unit with the units of the services it depends on,
// and returns the names of those that exist, for the cycle check.
func dependencies(c *Composition, name string, svc *khepriv1.Service, path diag.Path, d *diag.Collector) (*khepriv1.SystemdService, []string) {
	u := &khepriv1.SystemdService{}
	var deps []string
	for _, k := range sortedKeys(svc.GetDependsOn()) {
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
		case "", "service_started":
			// The list form's condition; the Nix module fills it in, but an empty one
			// means the same.
		case "service_healthy", "service_completed_successfully":
			d.Errorf(p.Field("condition"), "condition %q is not supported yet; use \"service_started\"", cond)
			continue
		default:
			d.Errorf(p.Field("condition"), "invalid condition %q; allowed: \"service_started\" (\"service_healthy\" and \"service_completed_successfully\" are not supported yet)", cond)
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
