package expand

import (
	"maps"
	"slices"
	"time"

	"github.com/khepri-nix/khepri/plugin/graph"
	"github.com/khepri-nix/khepri/plugin/naming"
	"github.com/khepri-nix/khepri/plugin/service"
	"github.com/khepri-nix/khepri/plugin/systemd"
	"github.com/khepri-nix/khepri/proto/khepri/pullplan"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// scheduled is a service whose image the composition's pull unit keeps current.
type scheduled struct {
	image    string
	schedule *service.PullSchedule
}

// addPull adds the unit keeping a composition's scheduled images current, and its
// timer, when some service has a scheduled pull policy. edges are the services'
// dependencies, which give the order their units are restarted in.
func (h *host) addPull(st *compState, pulls map[string]scheduled, edges map[string][]string) {
	if len(pulls) == 0 {
		return
	}
	plan := pullplan.Plan{Composition: st.name, Backend: string(h.backend), Services: []pullplan.Service{}}
	if st.rootless != nil {
		plan.User, plan.UID = st.rootless.User, st.rootless.UID
	}
	every := time.Duration(0)
	var units []string
	for _, s := range graph.Order(edges) {
		for _, ctr := range st.c.ContainersOf(s) {
			units = append(units, naming.Service(naming.ContainerUnit(h.backend, ctr)))
		}
		p, ok := pulls[s]
		if !ok {
			continue
		}
		if every == 0 || p.schedule.Every < every {
			every = p.schedule.Every
		}
		if p.schedule.Pinned {
			plan.Pinned = append(plan.Pinned, s)
			continue
		}
		ps := pullplan.Service{Name: s, Image: p.image, Every: p.schedule.Every.String()}
		for _, ctr := range st.c.ContainersOf(s) {
			ps.Containers = append(ps.Containers, ctr)
			ps.Units = append(ps.Units, naming.Service(naming.ContainerUnit(h.backend, ctr)))
		}
		plan.Services = append(plan.Services, ps)
	}
	// The path of the first scheduled service, for a message about the whole unit.
	path := st.path.Field("services").Key(slices.Min(slices.Collect(maps.Keys(pulls)))).Field("pullPolicy")
	data, err := plan.Marshal()
	if err != nil {
		h.d.Errorf(path, "internal error: rendering the pull plan: %v", err)
		return
	}
	if err := systemd.CheckArg(string(data)); err != nil {
		h.d.Errorf(path, "the pull plan of composition %s is one argument of its pull unit's command: %v; give fewer services a scheduled pull policy", st.name, err)
		return
	}
	unit := naming.PullUnit(st.name)
	if !h.unitFits(st.name, naming.Service(unit), path, "the composition name") || !h.claimUnit(unit, path) {
		return
	}
	slices.Sort(units)
	p := systemd.Pull{Backend: h.backend, Composition: st.name, Plan: string(data), Every: every, Units: units, Rootless: st.rootless}
	if h.resp.Pulls == nil {
		h.resp.Pulls = map[string]*khepriv1.SystemdService{}
		h.resp.Timers = map[string]*khepriv1.SystemdTimer{}
	}
	h.resp.Pulls[unit] = systemd.PullService(p)
	h.resp.Timers[unit] = systemd.PullTimer(p)
}
