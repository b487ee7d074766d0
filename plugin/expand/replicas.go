package expand

import (
	"fmt"
	"strconv"

	"google.golang.org/protobuf/proto"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/naming"
	"github.com/khepri-nix/khepri/plugin/service"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// replicas is a service's number of containers: compose's `scale`, 1 when unset.
func replicas(svc *khepriv1.Service) int {
	if svc == nil || svc.Scale == nil {
		return 1
	}
	return int(svc.GetScale())
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
		names[i] = naming.Container(comp, svc, "") + "-" + strconv.Itoa(i+1)
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

// addReplicas puts one container and unit per replica into the response, each a copy
// of the service's, labelled with its number as compose labels it.
func (h *host) addReplicas(names []string, r service.Result) {
	for i, name := range names {
		ctr := proto.Clone(r.Container).(*khepriv1.Container)
		if ctr.Labels == nil {
			ctr.Labels = map[string]string{}
		}
		ctr.Labels["com.docker.compose.container-number"] = fmt.Sprint(i + 1)
		h.resp.Containers[name] = ctr
		h.resp.ContainerUnits[naming.ContainerUnit(h.backend, name)] = proto.Clone(r.Unit).(*khepriv1.SystemdService)
	}
}
