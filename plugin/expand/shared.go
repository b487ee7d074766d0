package expand

import (
	"maps"
	"slices"
	"strings"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/imagepin"
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
	// owner is the user whose podman it is created in; "" for root's engine.
	owner string
	// used: some container needs it.
	used bool
}

// engineName is a network or volume as an engine knows it: by name, in its owner's
// engine. Each user's rootless podman has networks and volumes of its own.
type engineName struct{ owner, name string }

// providers maps the engine-side names of the networks (or volumes) created on a host to
// the units creating them. An engine name has one creator, so that a composition that
// uses it as external can be ordered after that creator.
type providers struct {
	kind string
	d    *diag.Collector
	by   map[engineName]*provider
	// host holds the host-level declarations by engine name.
	host map[string]*hostDecl
}

// hostDecl is a host-level network or volume (`khepri.networks`, `khepri.volumes`). Root's
// engine always has it; a rootless user's podman gets its own when one of the user's
// compositions uses it, so that the user's compositions share it as root's do.
type hostDecl struct {
	key     string
	unit    string
	path    diag.Path
	options []string
	build   func(systemd.Resource) *khepriv1.SystemdService
}

func newProviders(kind string, d *diag.Collector) *providers {
	return &providers{kind: kind, d: d, by: map[engineName]*provider{}, host: map[string]*hostDecl{}}
}

// provide registers the creator of name, reporting a second one.
func (ps *providers) provide(name string, p *provider) {
	key := engineName{p.owner, name}
	if prev, ok := ps.by[key]; ok {
		ps.d.Errorf(p.path, "%s %q is also created by %s; create it once and mark the other one external = true",
			ps.kind, name, prev.path)
		return
	}
	ps.by[key] = p
}

// unitFor is the unit file creating name in owner's engine, or "" when nothing on the
// host creates it there.
func (ps *providers) unitFor(owner, name string) string {
	if p, ok := ps.by[engineName{owner, name}]; ok {
		return naming.Service(p.unit)
	}
	return ""
}

// elsewhere is a creator of name in another user's engine than owner's, which a
// container of owner cannot use; nil when there is none.
func (ps *providers) elsewhere(owner, name string) *provider {
	for _, key := range slices.SortedFunc(maps.Keys(ps.by), func(a, b engineName) int {
		return strings.Compare(a.owner, b.owner)
	}) {
		if key.name == name && key.owner != owner {
			return ps.by[key]
		}
	}
	return nil
}

// use records that a container of owner needs name.
func (ps *providers) use(owner, name string) {
	if p, ok := ps.by[engineName{owner, name}]; ok {
		p.used = true
	}
}

// used tells whether a container needs the network or volume called name in owner's
// engine.
func (ps *providers) used(owner, name string) bool {
	p, ok := ps.by[engineName{owner, name}]
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
		decl := &hostDecl{key: k, unit: unitName(k), path: p, options: h.createOptions(e, p), build: build}
		ps.host[name] = decl
		h.hostInstance(ps, decl, name, nil)
	}
}

// hostInstance creates a host-level network or volume in root's engine (r nil) or in a
// rootless user's podman, by a unit of its own that runs as the user, and returns that
// unit's file name.
func (h *host) hostInstance(ps *providers, decl *hostDecl, name string, r *systemd.Rootless) string {
	unit := decl.unit
	if r != nil {
		unit = naming.HostUnitAs(decl.unit, r.User)
	}
	ps.provide(name, &provider{unit: unit, path: decl.path, owner: r.Owner(), used: true})
	what := "the " + ps.kind + " key"
	if r != nil {
		what += " or the user name"
	}
	if h.unitFits("", naming.Service(unit), decl.path, what) && h.claimUnit(unit, decl.path) {
		h.resp.Services[unit] = decl.build(systemd.Resource{Backend: h.backend, Key: decl.key, Name: name, Options: decl.options, Rootless: r})
	}
	return naming.Service(unit)
}

// imagePolicy reads the host's image lock and settings.
func (h *host) imagePolicy(req *khepriv1.ExpandRequest) {
	if l := req.GetImageLock(); l != nil && l.GetFormat() != imagepin.LockFormat {
		h.d.Errorf("khepri.imageLock", "the image lock has format %d, and this khepri reads format %d: rewrite it with `khepri lock`", l.GetFormat(), imagepin.LockFormat)
	}
	if err := imagepin.ValidFetch(req.GetImageFetch()); err != nil {
		h.d.Errorf("khepri.imageFetch", "%v", err)
	}
	h.images = imagepin.Policy{Lock: req.GetImageLock(), Require: req.GetRequireLockedImages(), Platform: req.GetImagePlatform()}
	h.imageFetch = req.GetImageFetch()
}

// addImageFetch records the archive Nix fetches for a container's image.
func (h *host) addImageFetch(container string, f *khepriv1.ImageFetch) {
	if f == nil {
		return
	}
	if h.resp.ImageFetches == nil {
		h.resp.ImageFetches = map[string]*khepriv1.ImageFetch{}
	}
	h.resp.ImageFetches[container] = f
}
