package expand

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/types/known/structpb"

	"github.com/khepri-nix/khepri/plugin/naming"
	"github.com/khepri-nix/khepri/plugin/service"
	"github.com/khepri-nix/khepri/proto/khepri/manifest"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// manifestService records one service of a composition for the khepri command's
// manifest, from what its expansion made.
func (h *host) manifestService(st *compState, s string, r service.Result) {
	c := st.c
	m := h.manifestComposition(st)
	var replicas []manifest.Replica
	for _, ctr := range c.ContainersOf(s) {
		replicas = append(replicas, manifest.Replica{Container: ctr, Unit: naming.Service(naming.ContainerUnit(h.backend, ctr))})
	}
	ms := manifest.Service{
		Containers: replicas,
		Image:      r.Container.GetImage(),
		Ports:      r.Container.GetPorts(),
		// The short mounts, then the long syntax's --mount values, as the engine is given
		// them.
		Volumes: slices.Clone(r.Container.GetVolumes()),
	}
	for _, o := range r.Container.GetExtraOptions() {
		if v, ok := strings.CutPrefix(o, "--mount="); ok {
			ms.Volumes = append(ms.Volumes, v)
		}
	}
	for _, k := range r.Networks {
		ms.Networks = append(ms.Networks, st.nets[k].name)
	}
	for _, k := range r.Volumes {
		m.Volumes = append(m.Volumes, st.vols[k].name)
	}
	m.Networks = append(m.Networks, ms.Networks...)
	m.Services[s] = ms
	h.manifest.Compositions[st.name] = m
}

// manifestComposition is the manifest's entry of a composition so far.
func (h *host) manifestComposition(st *compState) manifest.Composition {
	if m, ok := h.manifest.Compositions[st.name]; ok {
		return m
	}
	m := manifest.Composition{
		Target:   naming.TargetFile(naming.Target(st.name)),
		Services: map[string]manifest.Service{},
	}
	if st.rootless != nil {
		m.User, m.UID = st.rootless.User, st.rootless.UID
	}
	return m
}

// manifestStruct completes the manifest with each composition's own units (network,
// volume and build units, those part of its target) and renders it for the response.
func (h *host) manifestStruct() (*structpb.Struct, error) {
	for name, m := range h.manifest.Compositions {
		m.Units = nil
		for _, units := range []map[string]*khepriv1.SystemdService{h.resp.GetServices(), h.resp.GetBuilds()} {
			for u, unit := range units {
				if slices.Contains(unit.GetPartOf(), m.Target) {
					m.Units = append(m.Units, naming.Service(u))
				}
			}
		}
		slices.Sort(m.Units)
		slices.Sort(m.Networks)
		m.Networks = slices.Compact(m.Networks)
		slices.Sort(m.Volumes)
		m.Volumes = slices.Compact(m.Volumes)
		h.manifest.Compositions[name] = m
	}
	data, err := h.manifest.Marshal()
	if err != nil {
		return nil, err
	}
	var fields map[string]any
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, err
	}
	s, err := structpb.NewStruct(fields)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	return s, nil
}
