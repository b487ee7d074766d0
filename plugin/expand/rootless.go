package expand

import (
	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/naming"
	"github.com/khepri-nix/khepri/plugin/service"
	"github.com/khepri-nix/khepri/plugin/systemd"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// rootless reads a composition's podman settings: the user it runs as, or nil to run it
// rootful.
func (h *host) rootless(comp *khepriv1.Composition, path diag.Path) *systemd.Rootless {
	p, pp := comp.GetPodman(), path.Field("podman")
	user := p.GetUser()
	if user == "" || user == "root" {
		if p.GetUid() != 0 {
			h.d.Errorf(pp.Field("uid"), "uid is the uid of podman.user, which is not set; set podman.user to run the composition rootless, or remove uid")
		}
		return nil
	}
	ok := true
	if h.backend != naming.Podman {
		h.d.Errorf(pp.Field("user"), "rootless containers need the podman backend: with docker every container runs in the docker daemon; remove podman.user or set %s = \"podman\"", backendPath)
		ok = false
	}
	if err := naming.ValidateUser(user); err != nil {
		h.d.Errorf(pp.Field("user"), "%v", err)
		ok = false
	}
	if p.GetUid() == 0 {
		h.d.Errorf(pp.Field("uid"), "the composition runs as %s, whose podman keeps its state in /run/user/<uid>: give %s a static uid, users.users.%s.uid (with lib.expand, set podman.uid)", user, user, user)
		ok = false
	}
	if !ok {
		return nil
	}
	return &systemd.Rootless{User: user, UID: p.GetUid()}
}

// external resolves an external network or volume in the engine of the composition's
// owner (r; nil for root's): the unit that creates it there, or "" for one nothing on the
// host creates. A host-level one is created in a rootless user's podman as well; one that
// only a composition of another engine creates is out of reach, which is an error
// rather than a container that fails to start.
func (h *host) external(ps *providers, r *systemd.Rootless, name string, path diag.Path) string {
	owner := r.Owner()
	if unit := ps.unitFor(owner, name); unit != "" {
		return unit
	}
	if decl, ok := ps.host[name]; ok && r != nil {
		return h.hostInstance(ps, decl, name, r)
	}
	if p := ps.elsewhere(owner, name); p != nil {
		h.d.Errorf(path, "%s %q is created by %s in %s, and this composition runs in %s, which cannot see it: each user's podman has %ss of its own; create it in a composition that runs as the same user (podman.user), declare it at host level (khepri.%ss), or run both as one user",
			ps.kind, name, p.path, systemd.Engine(p.owner), systemd.Engine(owner), ps.kind, ps.kind)
	}
	return ""
}

// rootlessPorts records the host ports that a rootless composition's container
// publishes. Whether its user may bind them depends on the host's
// net.ipv4.ip_unprivileged_port_start, which the host the expansion is applied to
// compares them with (nixlib/nixos.nix): one expansion can serve several hosts.
func (h *host) rootlessPorts(user string, ports []service.PortUse) {
	for _, p := range ports {
		if first := p.Port.Host.First; first != 0 {
			h.resp.RootlessPorts = append(h.resp.RootlessPorts, &khepriv1.RootlessPort{
				Path: string(p.Path), Spec: p.Spec, Port: uint32(first), User: user,
			})
		}
	}
}
