package expand

import (
	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/naming"
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
