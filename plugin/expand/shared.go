package expand

import (
	"maps"
	"slices"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/naming"
	"github.com/khepri-nix/khepri/plugin/systemd"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// provider is a unit that creates a network or volume on the host.
type provider struct {
	// unit is its name without suffix.
	unit string
	// path is the option that declares it.
	path diag.Path
	// used: some container needs it.
	used bool
}

// providers maps the engine-side names of the networks (or volumes) created on a host to
// the units creating them. An engine name has one creator, so that a composition that
// uses it as external can be ordered after that creator.
type providers struct {
	kind string
	d    *diag.Collector
	by   map[string]*provider
}

func newProviders(kind string, d *diag.Collector) *providers {
	return &providers{kind: kind, d: d, by: map[string]*provider{}}
}

// provide registers the creator of name, reporting a second one.
func (ps *providers) provide(name string, p *provider) {
	if prev, ok := ps.by[name]; ok {
		ps.d.Errorf(p.path, "%s %q is also created by %s; create it once and mark the other one external = true",
			ps.kind, name, prev.path)
		return
	}
	ps.by[name] = p
}

// unitFor is the unit file creating name, or "" when nothing on the host creates it.
func (ps *providers) unitFor(name string) string {
	if p, ok := ps.by[name]; ok {
		return naming.Service(p.unit)
	}
	return ""
}

// use records that a container needs name.
func (ps *providers) use(name string) {
	if p, ok := ps.by[name]; ok {
		p.used = true
	}
}

// used tells whether a container needs the network or volume called name.
func (ps *providers) used(name string) bool {
	p, ok := ps.by[name]
	return ok && p.used
}

// hostResources adds the host-level networks and volumes (`khepri.networks`,
// `khepri.volumes`): created under their own name whether or not a container uses them,
// since declaring one at host level is asking for it.
func (h *host) hostResources(req *khepriv1.ExpandRequest) {
	h.hostKind("network", networkEntries(req), h.networks, naming.HostNetworkUnit, systemd.Network)
	h.hostKind("volume", volumeEntries(req), h.volumes, naming.HostVolumeUnit, systemd.Volume)
}

func (h *host) hostKind(kind string, decl map[string]entry, ps *providers,
	unitName func(string) string, build func(systemd.Resource) *khepriv1.SystemdService) {
	path := diag.Path("khepri").Field(kind + "s")
	for _, k := range slices.Sorted(maps.Keys(decl)) {
		e, p := decl[k], path.Key(k)
		h.validateNames(kind, k, e, p)
		if e.external {
			h.d.Errorf(p.Field("external"), "a host-level %s is the one khepri creates; leave external unset, or drop the declaration and mark it external where it is used", kind)
			continue
		}
		name := e.name
		if name == "" {
			name = k
		}
		unit := unitName(k)
		ps.provide(name, &provider{unit: unit, path: p, used: true})
		if h.claimUnit(unit, p) {
			h.resp.Services[unit] = build(systemd.Resource{Backend: h.backend, Key: k, Name: name, Options: h.createOptions(e, p)})
		}
	}
}
