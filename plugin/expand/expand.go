// Package expand turns every composition of a host into the NixOS attribute sets that
// run them: the expander's orchestration. Names and units come from plugin/naming and
// plugin/systemd, services from plugin/service.
package expand

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/imagepin"
	"github.com/khepri-nix/khepri/plugin/naming"
	"github.com/khepri-nix/khepri/plugin/service"
	"github.com/khepri-nix/khepri/proto/khepri/manifest"
	"github.com/khepri-nix/khepri/proto/khepri/rpc"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// Expander serves Expand over the plugin protocol.
type Expander struct{}

var _ rpc.Expander = Expander{}

// Expand implements rpc.Expander. Problems with the input are diagnostics in the
// response; an error means a fault in khepri itself.
func (Expander) Expand(_ context.Context, req *khepriv1.ExpandRequest) (resp *khepriv1.ExpandResponse, err error) {
	defer func() {
		if r := recover(); r != nil {
			resp, err = nil, fmt.Errorf("internal fault in the khepri expander (please report it): %v", r)
		}
	}()
	return Expand(req), nil
}

// backendPath is the option the backend comes from.
const backendPath diag.Path = "virtualisation.oci-containers.backend"

// host holds what must be unique across the compositions of a host.
type host struct {
	backend naming.Backend
	d       *diag.Collector
	resp    *khepriv1.ExpandResponse
	// containers and units map a name to the option path that claimed it first.
	containers map[string]diag.Path
	units      map[string]diag.Path
	ports      []service.PortUse
	// manifest is what the khepri command reads of the host's compositions.
	manifest *manifest.Manifest
	// networks and volumes created on the host, by engine name.
	networks, volumes *providers
	// images is the host's image lock and policy; imageFetch its image_fetch.
	images     imagepin.Policy
	imageFetch string
}

// Expand expands every composition of req. With any error diagnostic the response holds
// the diagnostics only, so that nothing half-expanded reaches a system. Same request,
// same response: maps are walked in sorted order.
func Expand(req *khepriv1.ExpandRequest) *khepriv1.ExpandResponse {
	d := &diag.Collector{}
	backend, err := naming.ParseBackend(req.GetBackend())
	if err != nil {
		// Go on with docker's names to report everything else in one pass.
		d.Errorf(backendPath, "%v", err)
	}
	h := &host{
		backend: backend,
		d:       d,
		resp: &khepriv1.ExpandResponse{
			Containers:     map[string]*khepriv1.Container{},
			ContainerUnits: map[string]*khepriv1.SystemdService{},
			Services:       map[string]*khepriv1.SystemdService{},
			Targets:        map[string]*khepriv1.SystemdTarget{},
		},
		containers: map[string]diag.Path{},
		units:      map[string]diag.Path{},
		manifest:   &manifest.Manifest{Version: manifest.Version, Backend: string(backend), Compositions: map[string]manifest.Composition{}},
		networks:   newProviders("network", d),
		volumes:    newProviders("volume", d),
	}
	h.hostResources(req)
	h.imagePolicy(req)
	comps := req.GetCompositions()
	var states []*compState
	for _, name := range slices.Sorted(maps.Keys(comps)) {
		if st := h.prepare(name, comps[name]); st != nil {
			states = append(states, st)
		}
	}
	for _, st := range states {
		h.build(st)
	}
	for _, st := range states {
		h.emitUnits(st)
	}
	h.checkPorts()
	if d.HasErrors() {
		return &khepriv1.ExpandResponse{Diagnostics: d.Sorted()}
	}
	m, err := h.manifestStruct()
	if err != nil {
		d.Errorf(backendPath, "internal error: rendering the khepri command's manifest: %v", err)
		return &khepriv1.ExpandResponse{Diagnostics: d.Sorted()}
	}
	h.resp.Manifest = m
	h.resp.Diagnostics = d.Sorted()
	return h.resp
}

// claimUnit records a unit name, reporting a clash with a unit another definition
// already produced (names are joined with '-', so distinct keys can meet).
func (h *host) claimUnit(unit string, path diag.Path) bool {
	if prev, ok := h.units[unit]; ok {
		h.d.Errorf(path, "unit %s is also generated for %s; rename one of them", unit, prev)
		return false
	}
	h.units[unit] = path
	return true
}

// checkPorts reports a host port published twice, in any compositions, at the second
// place, naming the first. Ports are indexed by protocol and port number, so the check
// is linear in the number of ports for any real host (a port is claimed once per
// address).
func (h *host) checkPorts() {
	type slot struct {
		protocol string
		port     int
	}
	claims := map[slot][]int{}
	for j, b := range h.ports {
		if !b.Port.Published() {
			continue
		}
		first := -1
		for port := b.Port.Host.First; port <= b.Port.Host.Last; port++ {
			for _, i := range claims[slot{b.Port.Protocol, port}] {
				if (first < 0 || i < first) && h.ports[i].Port.Conflicts(b.Port) {
					first = i
				}
			}
		}
		if first >= 0 {
			a, p := h.ports[first], b.Port
			h.d.Errorf(b.Path, "host port %s:%s/%s of %q is already published by %s (%q); a host address, port and protocol can be published once on a host",
				p.HostAddr(), p.Host, p.Protocol, b.Spec, a.Path, a.Spec)
		}
		for port := b.Port.Host.First; port <= b.Port.Host.Last; port++ {
			s := slot{b.Port.Protocol, port}
			claims[s] = append(claims[s], j)
		}
	}
}

// describe renders a cycle as `a -> b -> a`.
func describe(cycle []string) string { return strings.Join(cycle, " -> ") }
