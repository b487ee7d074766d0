package service

import (
	"fmt"
	"strings"

	"github.com/khepri-nix/khepri/plugin/naming"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// serviceRef resolves `service:<name>` to the container of a service of the composition,
// which the container's unit then starts after and requires. Other values are returned
// as they are. ok is false when an error was reported.
func (r *run) serviceRef(field, v string) (string, bool) {
	ref, found := strings.CutPrefix(v, "service:")
	if !found {
		return v, true
	}
	return r.dependOn(field, ref)
}

// dependOn orders the container after the container of service ref and requires it, and
// returns that container's name.
func (r *run) dependOn(field, ref string) (string, bool) {
	p := r.path.Field(field)
	if ref == r.name {
		r.d.Errorf(p, "service %q refers to itself", r.name)
		return "", false
	}
	ctr, ok := r.c.Containers[ref]
	if !ok {
		r.d.Errorf(p, "service %q is not a service of this composition; use one of %s, or container:<name> for a container outside it", ref, r.c.Path.Field("services"))
		return "", false
	}
	addUnit(r.unit, naming.Service(naming.ContainerUnit(r.c.Backend, ctr)), true)
	if _, seen := r.deps[ref]; !seen {
		r.deps[ref] = field
	}
	return "container:" + ctr, true
}

// namespace is a namespace setting, which can name another service's container.
type namespace struct{ field, flag, value string }

func namespaces(s *khepriv1.Service) []namespace {
	return []namespace{
		{"ipc", "--ipc", s.GetIpc()},
		{"pid", "--pid", s.GetPid()},
		{"uts", "--uts", s.GetUts()},
		{"usernsMode", "--userns", s.GetUsernsMode()},
	}
}

// References lists the services whose containers a service's container uses: through
// `service:` in its network mode and namespaces, volumesFrom and links, as
// runSettings resolves them. Their units must be started only once those containers run.
func References(s *khepriv1.Service) []string {
	var refs []string
	values := []string{s.GetNetworkMode()}
	for _, ns := range namespaces(s) {
		values = append(values, ns.value)
	}
	for _, v := range values {
		if ref, ok := strings.CutPrefix(v, "service:"); ok {
			refs = append(refs, ref)
		}
	}
	for _, l := range s.GetLinks() {
		svc, _, _ := strings.Cut(l, ":")
		refs = append(refs, svc)
	}
	for _, v := range s.GetVolumesFrom() {
		if ref, _ := volumesFromRef(v); !strings.HasPrefix(ref, "container:") {
			refs = append(refs, strings.TrimPrefix(ref, "service:"))
		}
	}
	return refs
}

// volumesFromRef splits a volumesFrom entry into the service or container it names and
// its mode suffix (":ro", ":rw" or "").
func volumesFromRef(v string) (ref, mode string) {
	if i := strings.LastIndex(v, ":"); i >= 0 && (v[i+1:] == "ro" || v[i+1:] == "rw") {
		return v[:i], v[i:]
	}
	return v, ""
}

func (r *run) namespaces() {
	s := r.svc
	for _, ns := range namespaces(s) {
		if ns.value == "" || !r.word(ns.field, ns.value) {
			continue
		}
		if v, ok := r.serviceRef(ns.field, ns.value); ok {
			r.flag(ns.flag, v)
		}
	}
	switch cg := s.GetCgroup(); cg {
	case "":
	case "host", "private":
		r.flag("--cgroupns", cg)
	default:
		r.d.Errorf(r.path.Field("cgroup"), "invalid cgroup namespace %q; allowed: \"host\" or \"private\"", cg)
	}
	if p := s.GetCgroupParent(); p != "" && r.word("cgroupParent", p) {
		r.flag("--cgroup-parent", p)
	}
}

// podmanNetworkModes are podman's further network modes, by prefix.
var podmanNetworkModes = []string{"pasta", "slirp4netns", "private", "ns:"}

// networkMode maps network_mode. A service with one joins no composition network (Build
// skips them), and the settings that belong to a network of its own are errors.
func (r *run) networkMode() {
	s := r.svc
	mode := s.GetNetworkMode()
	if mode == "" {
		return
	}
	p := r.path.Field("networkMode")
	if len(s.GetNetworks()) > 0 {
		r.d.Errorf(p, "networkMode and networks exclude each other, as in compose; remove one of them")
	}
	shared := strings.HasPrefix(mode, "service:") || strings.HasPrefix(mode, "container:")
	own := mode == "bridge" || r.podman() && hasAnyPrefix(mode, podmanNetworkModes)
	switch {
	case mode == "host" || mode == "none" || mode == "bridge" || shared:
	case r.podman() && own:
	default:
		allowed := `"host", "none", "bridge", "container:<name>" or "service:<name>"`
		if r.podman() {
			allowed += `, or podman's "pasta", "slirp4netns", "private" and "ns:<path>"`
		}
		r.d.Errorf(p, "invalid network mode %q; allowed: %s", mode, allowed)
		return
	}
	if len(s.GetPorts()) > 0 && !own {
		r.d.Errorf(r.path.Field("ports"), "networkMode %q has no network of the container's own to publish ports from; publish them on the service whose network it uses, or remove networkMode", mode)
	}
	if shared {
		// The engines refuse these with another container's network stack.
		for _, f := range []struct {
			field string
			set   bool
		}{
			{"hostname", s.GetHostname() != ""},
			{"domainname", s.GetDomainname() != ""},
			{"macAddress", s.GetMacAddress() != ""},
			{"dns", len(s.GetDns()) > 0},
			{"dnsOpt", len(s.GetDnsOpt()) > 0},
			{"dnsSearch", len(s.GetDnsSearch()) > 0},
			{"extraHosts", len(s.GetExtraHosts()) > 0},
			{"expose", len(s.GetExpose()) > 0},
		} {
			if f.set {
				r.d.Errorf(r.path.Field(f.field), "%s cannot be set with networkMode %q: the container uses another container's network stack; set it there", f.field, mode)
			}
		}
	}
	if v, ok := r.serviceRef("networkMode", mode); ok {
		r.flag("--network", v)
	}
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// links maps links, external_links and volumes_from, which name other containers.
func (r *run) links() {
	s := r.svc
	for i, l := range s.GetLinks() {
		field := fmt.Sprintf("links[%d]", i)
		svc, alias, hasAlias := strings.Cut(l, ":")
		if !r.word(field, l) {
			continue
		}
		if svc == "" || hasAlias && alias == "" {
			r.d.Errorf(r.path.Field(field), "invalid link %q: use service or service:alias", l)
			continue
		}
		ctr, ok := r.dependOn(field, svc)
		if !ok {
			continue
		}
		if !hasAlias {
			alias = svc
		}
		if r.podman() {
			// Podman has no links; on a shared network the service already answers to its
			// name, so only the ordering is left to give.
			if alias != svc {
				r.d.Errorf(r.path.Field(field), "podman has no links, so the alias %q cannot be given; add it to the aliases of %s on a network both services join", alias, svc)
			}
			continue
		}
		r.flag("--link", strings.TrimPrefix(ctr, "container:")+":"+alias)
	}
	for i, l := range s.GetExternalLinks() {
		field := fmt.Sprintf("externalLinks[%d]", i)
		if !r.word(field, l) {
			continue
		}
		if r.podman() {
			r.d.Errorf(r.path.Field(field), "podman has no links; join a network of the container and use its name")
			continue
		}
		r.flag("--link", l)
	}
	for i, v := range s.GetVolumesFrom() {
		field := fmt.Sprintf("volumesFrom[%d]", i)
		if !r.word(field, v) {
			continue
		}
		ref, mode := volumesFromRef(v)
		var target string
		switch {
		case strings.HasPrefix(ref, "container:"):
			target = strings.TrimPrefix(ref, "container:")
			if target == "" {
				r.d.Errorf(r.path.Field(field), "invalid volumesFrom %q: use service[:ro|:rw] or container:name[:ro|:rw]", v)
				continue
			}
		default:
			ctr, ok := r.dependOn(field, strings.TrimPrefix(ref, "service:"))
			if !ok {
				continue
			}
			target = strings.TrimPrefix(ctr, "container:")
		}
		r.flag("--volumes-from", target+mode)
	}
}
