package expand

import (
	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/naming"
	"github.com/khepri-nix/khepri/plugin/service"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// unitFits reports a unit name (with its suffix) that systemd would refuse, at path;
// what names the parts to shorten. comp is the composition the unit is named after, ""
// for none: a composition whose name is too long for its own target gets that one
// error, which every unit named after it would repeat.
func (h *host) unitFits(comp, unit string, path diag.Path, what string) bool {
	if comp != "" && unit != targetFile(comp) && naming.CheckUnit(targetFile(comp), "") != nil {
		return false
	}
	if err := naming.CheckUnit(unit, what); err != nil {
		h.d.Errorf(path, "%v", err)
		return false
	}
	return true
}

func targetFile(comp string) string { return naming.TargetFile(naming.Target(comp)) }

// containerUnitFits checks the unit of a service's container, or of the last of its
// replicas (the longest name), named <composition>-<service>[-<n>] unless containerName
// is set.
func (h *host) containerUnitFits(comp, svc, containerName string, replicas int, path diag.Path) {
	unit := naming.Service(naming.ContainerUnit(h.backend, naming.Container(comp, svc, containerName)))
	switch {
	case containerName != "":
		h.unitFits("", unit, path.Field("containerName"), "containerName")
	case replicas > 1:
		unit = naming.Service(naming.ContainerUnit(h.backend, naming.Replica(comp, svc, replicas)))
		h.unitFits(comp, unit, path, "the composition or service name")
	default:
		h.unitFits(comp, unit, path, "the composition or service name, or set a shorter containerName")
	}
}

// addBuild adds the unit building a service's image, one for all its replicas.
func (h *host) addBuild(st *compState, svc string, b *service.BuildUnit) {
	if b == nil {
		return
	}
	p := st.path.Field("services").Key(svc).Field("build")
	if h.unitFits(st.name, naming.Service(b.Name), p, "the composition or service name") && h.claimUnit(b.Name, p) {
		if h.resp.Builds == nil {
			h.resp.Builds = map[string]*khepriv1.SystemdService{}
		}
		h.resp.Builds[b.Name] = b.Unit
	}
}
