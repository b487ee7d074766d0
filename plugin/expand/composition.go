package expand

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/graph"
	"github.com/khepri-nix/khepri/plugin/imagepin"
	"github.com/khepri-nix/khepri/plugin/naming"
	"github.com/khepri-nix/khepri/plugin/parse"
	"github.com/khepri-nix/khepri/plugin/service"
	"github.com/khepri-nix/khepri/plugin/systemd"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// resource is a declared (or the implicit default) network or volume.
type resource struct {
	name     string
	external bool
	// options are the create command's flags.
	options []string
}

// compState is a composition between its two passes: its names are resolved and
// registered host-wide first, so that a composition can use, as external, a network or
// volume that a later one creates.
type compState struct {
	name       string
	comp       *khepriv1.Composition
	path       diag.Path
	c          *service.Composition
	nets, vols map[string]resource
	// rootless is the user a rootless composition runs as; nil runs it rootful.
	rootless *systemd.Rootless
}

// prepare validates and names a composition's networks, volumes and containers, and
// registers the networks and volumes it creates as providers for the host.
func (h *host) prepare(name string, comp *khepriv1.Composition) *compState {
	if comp != nil && !isTrue(comp.Enable) {
		return nil
	}
	path := diag.Path("khepri.compositions").Key(name)
	if err := naming.ValidateComposition(name); err != nil {
		h.d.Errorf(path, "%v", err)
	}
	h.unitFits(name, targetFile(name), path, "the composition name")
	rootless := h.rootless(comp, path)
	c := &service.Composition{
		Rootless:   rootless,
		Name:       name,
		Backend:    h.backend,
		Path:       path,
		Networks:   map[string]service.Resource{},
		Volumes:    map[string]service.Resource{},
		Containers: map[string]string{},
		Inactive:   map[string]string{},
		Replicas:   map[string][]string{},
	}
	nets := h.resources(name, path.Field("networks"), "network", networkEntries(comp), c.Networks)
	// compose's default network, for services that list no networks; a declared
	// networks.default replaces it.
	if _, ok := c.Networks["default"]; !ok {
		def := resource{name: naming.Resource(name, "default", "", false)}
		nets["default"] = def
		c.Networks["default"] = service.Resource{Name: def.name, Unit: naming.Service(naming.ResourcesUnit(name))}
	}
	vols := h.resources(name, path.Field("volumes"), "volume", volumeEntries(comp), c.Volumes)
	h.topLevel(name, comp, path, c)
	c.Images, c.ImageFetch = h.images, h.imageFetch
	if f := comp.GetImageFetch(); f != "" {
		if err := imagepin.ValidFetch(f); err != nil {
			h.d.Errorf(path.Field("imageFetch"), "%v", err)
		}
		c.ImageFetch = f
	}
	st := &compState{name: name, comp: comp, path: path, c: c, nets: nets, vols: vols, rootless: rootless}
	h.provideAll(st, h.networkKind(), nets)
	h.provideAll(st, h.volumeKind(), vols)

	services := comp.GetServices()
	for _, s := range slices.Sorted(maps.Keys(services)) {
		sp := path.Field("services").Key(s)
		if why := inactive(comp, services[s], path); why != "" {
			c.Inactive[s] = why
			continue
		}
		switch n := replicas(services[s]); {
		case n < 0:
			h.d.Errorf(sp.Field("scale"), "scale = %d: the number of containers cannot be negative", n)
		case n > MaxScale:
			h.d.Errorf(sp.Field("scale"), "scale = %d is more than khepri runs of one service, at most %d: each replica is a container and a systemd unit that NixOS evaluates; lower scale", n, MaxScale)
		case n == 0:
			c.Inactive[s] = "scale = 0"
		case n == 1:
			c.Containers[s] = h.containerName(name, s, services[s], sp)
			h.containerUnitFits(name, s, services[s].GetContainerName(), 1, sp)
		default:
			c.Replicas[s] = h.replicaNames(name, s, services[s], sp, int(n))
			c.Containers[s] = c.Replicas[s][0]
			h.containerUnitFits(name, s, services[s].GetContainerName(), int(n), sp)
		}
	}
	h.awaited(c, services, path)
	return st
}

// awaited finds the services that others wait for, and for what: to run, to be healthy
// or to have completed, so that their units wait for it: a condition belongs to the
// dependency's unit. Every dependency is waited for to run, which compose's
// service_started means; a `service:` reference, volumesFrom or a link needs the
// container itself.
func (h *host) awaited(c *service.Composition, services map[string]*khepriv1.Service, path diag.Path) {
	c.Await = map[string]string{}
	for _, s := range slices.Sorted(maps.Keys(c.Containers)) {
		for _, k := range service.References(services[s]) {
			if _, runs := c.Containers[k]; runs && k != s && c.Await[k] == "" {
				c.Await[k] = service.Started
			}
		}
		deps := services[s].GetDependsOn()
		for _, k := range slices.Sorted(maps.Keys(deps)) {
			cond := deps[k].GetCondition()
			if _, runs := c.Containers[k]; !runs || k == s {
				continue
			}
			if cond != service.Healthy && cond != service.Completed {
				if c.Await[k] == "" {
					c.Await[k] = service.Started
				}
				continue
			}
			p := path.Field("services").Key(s).Field("dependsOn").Key(k).Field("condition")
			switch prev := c.Await[k]; {
			case cond == service.Healthy && !service.HasHealthcheck(services[k]):
				h.d.Errorf(p, "%s waits for the healthcheck of service %q, which has none; set %s", cond, k,
					path.Field("services").Key(k).Field("healthcheck").Field("test"))
			case prev != "" && prev != service.Started && prev != cond:
				h.d.Errorf(p, "service %q is waited for as %s by another service; one container cannot be waited for both healthy and completed", k, prev)
			default:
				c.Await[k] = cond
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(c.Await)) {
		if c.Await[k] != service.Completed {
			continue
		}
		p := path.Field("services").Key(k)
		// An invalid policy has its own error.
		if r := services[k].GetRestart(); r != "" && r != "no" && validRestart(r) {
			h.d.Warnf(p.Field("restart"), "restart %q is not applied: services wait for this one to complete, so it runs once", r)
		}
		if services[k].GetDeploy().GetRestartPolicy() != nil {
			h.d.Warnf(p.Field("deploy").Field("restartPolicy"), "the restart policy is not applied: services wait for this one to complete, so it runs once")
		}
	}
}

// build expands a prepared composition into h.resp.
func (h *host) build(st *compState) {
	name, path, c := st.name, st.path, st.c
	owner := st.rootless.Owner()
	h.resolveExternal(st, h.networkKind(), st.nets, c.Networks)
	h.resolveExternal(st, h.volumeKind(), st.vols, c.Volumes)

	services := st.comp.GetServices()
	keys := slices.Sorted(maps.Keys(c.Containers))
	edges := map[string][]string{}
	via := map[string]map[string]string{}
	pulls := map[string]scheduled{}
	for _, s := range keys {
		r := service.Build(c, s, services[s], h.d)
		h.addBuild(st, s, r.Build)
		ctr := c.Containers[s]
		autoStart(r, st.comp, services[s])
		if names, ok := c.Replicas[s]; ok {
			h.checkScaledPorts(r.Ports, len(names))
			h.addReplicas(c, s, services[s], names, r, st.comp)
		} else {
			h.resp.Containers[ctr] = r.Container
			h.addImageFetch(ctr, r.ImageFetch)
			h.resp.ContainerUnits[naming.ContainerUnit(h.backend, ctr)] = r.Unit
		}
		for _, k := range r.Networks {
			h.networks.use(owner, st.nets[k].name)
		}
		for _, k := range r.Volumes {
			h.volumes.use(owner, st.vols[k].name)
		}
		h.manifestService(st, s, r)
		h.ports = append(h.ports, r.Ports...)
		if st.rootless != nil {
			h.rootlessPorts(st.rootless.User, r.Ports)
		}
		edges[s] = r.DependsOn
		via[s] = r.DependsVia
		if r.Pull != nil {
			pulls[s] = scheduled{image: r.Container.GetImage(), schedule: r.Pull}
		}
	}
	h.addPull(st, pulls, edges)
	for _, cyc := range graph.Cycles(edges) {
		p := path.Field("services").Key(cyc[0]).Field(via[cyc[0]][cyc[1]])
		if via[cyc[0]][cyc[1]] == "dependsOn" {
			p = p.Key(cyc[1])
		}
		h.d.Errorf(p, "dependency cycle %s: systemd cannot order these containers; remove one of the dependencies", describe(cyc))
	}
	h.resp.Targets[naming.Target(name)] = systemd.Target(name, st.comp == nil || isTrue(st.comp.AutoStart))
}

// isTrue reads an optional switch whose default is on (`enable`, `autoStart`).
func isTrue(b *bool) bool { return b == nil || *b }

// inactive says why a service does not run (enable = false, or none of its profiles
// selected, as compose's profiles work), or "" when it runs.
func inactive(comp *khepriv1.Composition, svc *khepriv1.Service, path diag.Path) string {
	if svc != nil && !isTrue(svc.Enable) {
		return "enable = false"
	}
	if len(svc.GetProfiles()) == 0 {
		return ""
	}
	for _, p := range svc.GetProfiles() {
		if slices.Contains(comp.GetProfiles(), p) {
			return ""
		}
	}
	return fmt.Sprintf("its profiles %s are not selected in %s", strings.Join(svc.GetProfiles(), ", "), path.Field("profiles"))
}

// autoStart keeps a container from starting at boot when its composition or the
// service says so; a service that does not start with its composition is not wanted by
// the target either, but still stops with it.
func autoStart(r service.Result, comp *khepriv1.Composition, svc *khepriv1.Service) {
	compOn := comp == nil || isTrue(comp.AutoStart)
	svcOn := svc == nil || isTrue(svc.AutoStart)
	if compOn && svcOn {
		return
	}
	off := false
	r.Container.AutoStart = &off
	if !svcOn {
		r.Unit.WantedBy = nil
	}
}

// kind is what tells a composition's networks from its volumes.
type kind struct {
	// field is the option holding them.
	field string
	ps    *providers
}

func (h *host) networkKind() kind { return kind{"networks", h.networks} }

func (h *host) volumeKind() kind { return kind{"volumes", h.volumes} }

// provideAll registers the networks or volumes a composition creates as their engine's
// providers; sorted, so that of two creators of one name the same one is reported.
func (h *host) provideAll(st *compState, k kind, decl map[string]resource) {
	for _, key := range slices.Sorted(maps.Keys(decl)) {
		if r := decl[key]; !r.external {
			k.ps.provide(r.name, &provider{unit: naming.ResourcesUnit(st.name), path: st.path.Field(k.field).Key(key), owner: st.rootless.Owner()})
		}
	}
}

// resolveExternal orders the composition's external networks or volumes after the unit
// that creates them on this host; one that nothing here creates stays a plain reference.
func (h *host) resolveExternal(st *compState, k kind, decl map[string]resource, byKey map[string]service.Resource) {
	for _, key := range slices.Sorted(maps.Keys(decl)) {
		if r := decl[key]; r.external {
			byKey[key] = service.Resource{Name: r.name, Unit: h.external(k.ps, st.rootless, r.name, st.path.Field(k.field).Key(key))}
		}
	}
}

// emitUnits adds the unit creating the composition's networks and volumes that are used,
// by its own services or by another composition's as external ones: like compose,
// khepri creates only what some container uses. A composition that uses none has no
// such unit.
func (h *host) emitUnits(st *compState) {
	nets := h.usedResources(st, h.networkKind(), st.nets)
	vols := h.usedResources(st, h.volumeKind(), st.vols)
	if len(nets) == 0 && len(vols) == 0 {
		return
	}
	unit := naming.ResourcesUnit(st.name)
	if h.unitFits(st.name, naming.Service(unit), st.path, "the composition name") && h.claimUnit(unit, st.path) {
		h.resp.Services[unit] = systemd.Resources(h.backend, st.name, st.rootless, nets, vols)
	}
}

// usedResources are the composition's networks or volumes that it creates and some
// container uses, in key order.
func (h *host) usedResources(st *compState, k kind, decl map[string]resource) []systemd.Resource {
	var out []systemd.Resource
	for _, key := range slices.Sorted(maps.Keys(decl)) {
		if r := decl[key]; !r.external && k.ps.used(st.rootless.Owner(), r.name) {
			out = append(out, systemd.Resource{Backend: h.backend, Composition: st.name, Key: key, Name: r.name, Options: r.options, Rootless: st.rootless})
		}
	}
	return out
}

// entry is a declared network or volume, whichever message it came from.
type entry struct {
	name     string
	external bool
	// settings is the *khepriv1.Network or *khepriv1.Volume.
	settings any
}

// declarer is what declares networks and volumes: a composition, or the host
// (`khepri.networks`, `khepri.volumes`).
type declarer interface {
	GetNetworks() map[string]*khepriv1.Network
	GetVolumes() map[string]*khepriv1.Volume
}

func networkEntries(decl declarer) map[string]entry {
	out := map[string]entry{}
	for k, n := range decl.GetNetworks() {
		out[k] = entry{n.GetName(), n.GetExternal(), n}
	}
	return out
}

func volumeEntries(decl declarer) map[string]entry {
	out := map[string]entry{}
	for k, v := range decl.GetVolumes() {
		out[k] = entry{v.GetName(), v.GetExternal(), v}
	}
	return out
}

// validateNames checks a network's or volume's key and name, both part of engine and
// unit names.
func (h *host) validateNames(kind, key string, e entry, p diag.Path) {
	if err := naming.ValidateEngine(kind, key); err != nil {
		h.d.Errorf(p, "%v", err)
	}
	if e.name != "" {
		if err := naming.ValidateEngine(kind, e.name); err != nil {
			h.d.Errorf(p.Field("name"), "%v", err)
		}
	}
}

// resources validates and names a composition's networks or volumes, filling byKey
// for the services, and returns them by key.
func (h *host) resources(comp string, path diag.Path, kind string, decl map[string]entry, byKey map[string]service.Resource) map[string]resource {
	out := map[string]resource{}
	for _, k := range slices.Sorted(maps.Keys(decl)) {
		e := decl[k]
		p := path.Key(k)
		h.validateNames(kind, k, e, p)
		r := resource{name: naming.Resource(comp, k, e.name, e.external), external: e.external, options: h.createOptions(e, p)}
		out[k] = r
		sr := service.Resource{Name: r.name}
		if !r.external {
			sr.Unit = naming.Service(naming.ResourcesUnit(comp))
		}
		byKey[k] = sr
	}
	return out
}

// containerName names a service's container, checking it is valid and unique on the host.
func (h *host) containerName(comp, svc string, s *khepriv1.Service, path diag.Path) string {
	if err := naming.ValidateService(svc); err != nil {
		h.d.Errorf(path, "%v", err)
	}
	ctr := naming.Container(comp, svc, s.GetContainerName())
	where := path
	if s.GetContainerName() != "" {
		where = path.Field("containerName")
		if err := naming.ValidateContainer(ctr); err != nil {
			h.d.Errorf(where, "%v", err)
		}
	}
	h.claimContainer(ctr, where)
	return ctr
}

// claimContainer records a container name, reporting one that is already taken.
func (h *host) claimContainer(ctr string, where diag.Path) {
	if prev, ok := h.containers[ctr]; ok {
		h.d.Errorf(where, "container name %q is already used by %s; container names are unique on a host: set containerName", ctr, prev)
		return
	}
	h.containers[ctr] = where
}

func validRestart(r string) bool {
	_, err := parse.ParseRestart(r)
	return err == nil
}
