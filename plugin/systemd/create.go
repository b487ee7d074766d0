package systemd

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/naming"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// NetworkOptions are the `network create` flags of a network's settings, in a fixed
// order. What the backend cannot create is reported to d at path, the network's option.
func NetworkOptions(b naming.Backend, n *khepriv1.Network, path diag.Path, d *diag.Collector) []string {
	if n == nil {
		return nil
	}
	podman := b == naming.Podman
	var args []string
	if external(n.GetExternal(), path, d, map[string]bool{
		"driver": n.GetDriver() != "", "driverOpts": len(n.GetDriverOpts()) > 0, "attachable": n.GetAttachable(),
		"enableIpv4": n.EnableIpv4 != nil, "enableIpv6": n.EnableIpv6 != nil, "internal": n.GetInternal(),
		"ipam": n.GetIpam() != nil, "labels": len(n.GetLabels()) > 0,
	}) {
		return nil
	}
	if n.GetDriver() != "" {
		args = append(args, "--driver", n.GetDriver())
	}
	args = append(args, keyValues("--opt", n.GetDriverOpts(), path.Field("driverOpts"), d)...)
	if n.GetAttachable() {
		if podman {
			d.Warnf(path.Field("attachable"), "podman has no --attachable: every podman network accepts standalone containers already")
		} else {
			args = append(args, "--attachable")
		}
	}
	if n.EnableIpv4 != nil && !n.GetEnableIpv4() {
		if podman {
			d.Errorf(path.Field("enableIpv4"), "podman cannot create a network without IPv4; leave enableIpv4 unset or use docker")
		} else {
			args = append(args, "--ipv4=false")
		}
	}
	if n.EnableIpv6 != nil {
		args = append(args, map[bool]string{true: "--ipv6", false: "--ipv6=false"}[n.GetEnableIpv6()])
	}
	if n.GetInternal() {
		args = append(args, "--internal")
	}
	if ipam := n.GetIpam(); ipam != nil {
		p := path.Field("ipam")
		if ipam.GetDriver() != "" {
			args = append(args, "--ipam-driver", ipam.GetDriver())
		}
		for i, pool := range ipam.GetConfig() {
			args = append(args, ipamPool(podman, pool, p.Field("config").Index(i), d)...)
		}
		if len(ipam.GetOptions()) > 0 && podman {
			d.Errorf(p.Field("options"), "podman has no IPAM driver options (docker's --ipam-opt); remove them or use docker")
		} else {
			args = append(args, keyValues("--ipam-opt", ipam.GetOptions(), p.Field("options"), d)...)
		}
	}
	return append(args, userLabels(b, "network", n.GetLabels(), path.Field("labels"), d)...)
}

func ipamPool(podman bool, pool *khepriv1.IpamPool, p diag.Path, d *diag.Collector) []string {
	var args []string
	if pool.GetSubnet() == "" {
		d.Errorf(p.Field("subnet"), "an address pool needs a subnet in CIDR notation, such as 172.28.0.0/16")
		return nil
	}
	subnet, err := netip.ParsePrefix(pool.GetSubnet())
	if err != nil {
		d.Errorf(p.Field("subnet"), "subnet %q is not in CIDR notation, such as 172.28.0.0/16", pool.GetSubnet())
		return nil
	}
	args = append(args, "--subnet", subnet.String())
	if r := pool.GetIpRange(); r != "" {
		pr, err := netip.ParsePrefix(r)
		if err != nil || !subnet.Contains(pr.Addr()) {
			d.Errorf(p.Field("ipRange"), "ipRange %q is not a CIDR range inside the subnet %s", r, subnet)
		} else {
			args = append(args, "--ip-range", pr.String())
		}
	}
	if g := pool.GetGateway(); g != "" {
		a, err := netip.ParseAddr(g)
		if err != nil || !subnet.Contains(a) {
			d.Errorf(p.Field("gateway"), "gateway %q is not an address inside the subnet %s", g, subnet)
		} else {
			args = append(args, "--gateway", a.String())
		}
	}
	aux := pool.GetAuxAddresses()
	if len(aux) > 0 && podman {
		d.Errorf(p.Field("auxAddresses"), "podman has no auxiliary addresses (docker's --aux-address); remove them or use docker")
		return args
	}
	for _, h := range slices.Sorted(maps.Keys(aux)) {
		a, err := netip.ParseAddr(aux[h])
		switch {
		case h == "" || strings.ContainsAny(h, "= \t\n"):
			d.Errorf(p.Field("auxAddresses").Key(h), "invalid host name %q", h)
		case err != nil || !subnet.Contains(a):
			d.Errorf(p.Field("auxAddresses").Key(h), "%q is not an address inside the subnet %s", aux[h], subnet)
		default:
			args = append(args, "--aux-address", h+"="+a.String())
		}
	}
	return args
}

// VolumeOptions are the `volume create` flags of a volume's settings.
func VolumeOptions(b naming.Backend, v *khepriv1.Volume, path diag.Path, d *diag.Collector) []string {
	if external(v.GetExternal(), path, d, map[string]bool{
		"driver": v.GetDriver() != "", "driverOpts": len(v.GetDriverOpts()) > 0, "labels": len(v.GetLabels()) > 0,
	}) {
		return nil
	}
	var args []string
	if v.GetDriver() != "" {
		args = append(args, "--driver", v.GetDriver())
	}
	args = append(args, keyValues("--opt", v.GetDriverOpts(), path.Field("driverOpts"), d)...)
	return append(args, userLabels(b, "volume", v.GetLabels(), path.Field("labels"), d)...)
}

// external reports settings given to an external resource, which khepri does not create
// (compose refuses them too), and says whether the resource is external.
func external(ext bool, path diag.Path, d *diag.Collector, set map[string]bool) bool {
	if !ext {
		return false
	}
	for _, k := range slices.Sorted(maps.Keys(set)) {
		if set[k] {
			d.Errorf(path.Field(k), "%s applies to what khepri creates, and this one is external (created elsewhere); remove %s or external", k, k)
		}
	}
	return true
}

// keyValues renders `flag key=value` pairs in key order; a key holding '=' would be
// split at the wrong place by the engine.
func keyValues(flag string, m map[string]string, path diag.Path, d *diag.Collector) []string {
	var args []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if k == "" || strings.Contains(k, "=") {
			d.Errorf(path.Key(k), "invalid option name %q: it must be non-empty and contain no '='", k)
			continue
		}
		if err := CheckArg(k + "=" + m[k]); err != nil {
			d.Errorf(path.Key(k), "%v", err)
			continue
		}
		args = append(args, flag, k+"="+m[k])
	}
	return args
}

// LabelName checks a label's name as the backend's `--label name=value` reads it: the
// engine splits at the first '=', and docker refuses spaces and tabs in the name.
func LabelName(b naming.Backend, k string) error {
	switch {
	case k == "" || strings.Contains(k, "="):
		return fmt.Errorf("invalid label name %q: it must be non-empty and contain no '='", k)
	case b == naming.Docker && strings.ContainsAny(k, " \t"):
		return fmt.Errorf("invalid label name %q: docker refuses spaces and tabs in label names", k)
	}
	return nil
}

// userLabels renders the resource's own labels; compose's labels are khepri's to set.
func userLabels(b naming.Backend, kind string, m map[string]string, path diag.Path, d *diag.Collector) []string {
	var args []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if err := LabelName(b, k); err != nil {
			d.Errorf(path.Key(k), "%v", err)
			continue
		}
		if err := CheckArg(k + "=" + m[k]); err != nil {
			d.Errorf(path.Key(k), "%v", err)
			continue
		}
		switch {
		case k == "com.docker.compose.project" || k == "com.docker.compose."+kind:
			d.Errorf(path.Key(k), "label %s is set by khepri, as compose sets it; remove it", k)
		default:
			args = append(args, "--label", fmt.Sprintf("%s=%s", k, m[k]))
		}
	}
	return args
}
