package expand

import (
	"maps"
	"strconv"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/naming"
	"github.com/khepri-nix/khepri/plugin/service"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// MaxScale bounds a service's scale. Every replica is a container and a unit that NixOS
// evaluates (a few MiB each), so an unbounded scale runs the evaluation out of memory
// before anything could report it; a hundred replicas of one service on one host is
// already past what compose stacks ask for.
const MaxScale = 100

// replicas is a service's number of containers: compose's `scale`, 1 when unset.
func replicas(svc *khepriv1.Service) int64 {
	if svc == nil || svc.Scale == nil {
		return 1
	}
	return svc.GetScale()
}

// replicaNames names and claims the containers of a scaled service,
// `<composition>-<service>-<i>` from 1 as compose numbers them.
func (h *host) replicaNames(comp, svc string, s *khepriv1.Service, path diag.Path, n int) []string {
	if err := naming.ValidateService(svc); err != nil {
		h.d.Errorf(path, "%v", err)
	}
	if s.GetContainerName() != "" {
		h.d.Errorf(path.Field("containerName"), "a container name names one container, and scale = %d asks for %d; drop containerName to get %s-1 to %s-%d",
			n, n, naming.Container(comp, svc, ""), naming.Container(comp, svc, ""), n)
	}
	names := make([]string, n)
	for i := range names {
		names[i] = naming.Replica(comp, svc, i+1)
		h.claimContainer(names[i], path.Field("scale"))
	}
	return names
}

// checkScaledPorts reports ports that several replicas cannot all publish: a fixed
// host port, or a host range smaller than the number of replicas.
func (h *host) checkScaledPorts(ports []service.PortUse, n int) {
	for _, p := range ports {
		switch {
		case p.Port.Published():
			h.d.Errorf(p.Path, "scale = %d: the %d containers cannot all publish host port %s of %q; publish a host range of at least %d ports for one container port (such as %d-%d:80), or no host port",
				n, n, p.Port.Host, p.Spec, n, 8080, 8080+n-1)
		case p.Port.Host.First != 0 && p.Port.Host.Len() < n:
			h.d.Errorf(p.Path, "scale = %d: the host range of %q has fewer ports than containers", n, p.Spec)
		}
	}
}

// addReplicas puts one container and unit per replica into the response, each built
// under its own name (hooks and secrets name their container) and labelled with its
// number as compose labels it. first is the first replica's, already built.
func (h *host) addReplicas(c *service.Composition, s string, svc *khepriv1.Service, names []string, first service.Result, comp *khepriv1.Composition) {
	for i, name := range names {
		r := first
		if i > 0 {
			// The same service again: its diagnostics are already reported.
			replica := *c
			replica.Containers = maps.Clone(c.Containers)
			replica.Containers[s] = name
			r = service.Build(&replica, s, svc, &diag.Collector{})
			autoStart(r, comp, svc)
		}
		if r.Container.Labels == nil {
			r.Container.Labels = map[string]string{}
		}
		r.Container.Labels["com.docker.compose.container-number"] = strconv.Itoa(i + 1)
		h.resp.Containers[name] = r.Container
		h.addImageFetch(name, r.ImageFetch)
		h.resp.ContainerUnits[naming.ContainerUnit(h.backend, name)] = r.Unit
	}
}
