package service

import (
	"cmp"
	"maps"
	"net"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/naming"
	"github.com/khepri-nix/khepri/plugin/parse"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// networks joins the service to each of its networks (the default network when it lists
// none), with its service name and aliases as DNS names: by priority, highest first
// (the first network gives the default route unless gwPriority says otherwise), then by
// key. Docker's plain --network-alias and --ip apply to the first network only, hence
// the long forms.
func (r *run) networks() []string {
	nets := r.svc.GetNetworks()
	if len(nets) == 0 {
		nets = map[string]*khepriv1.ServiceNetwork{"default": nil}
	}
	keys := slices.Sorted(maps.Keys(nets))
	slices.SortStableFunc(keys, func(a, b string) int { return cmp.Compare(nets[b].GetPriority(), nets[a].GetPriority()) })
	var used []string
	for _, k := range keys {
		p := r.path.Field("networks").Key(k)
		n, ok := r.c.Networks[k]
		if !ok {
			r.d.Errorf(p, "network %q is not declared in %s; declare it there (external = true for a network created outside the composition)", k, r.c.Path.Field("networks"))
			continue
		}
		aliases := []string{r.name}
		for i, a := range nets[k].GetAliases() {
			if err := naming.ValidateEngine("alias", a); err != nil {
				r.d.Errorf(p.Field("aliases").Index(i), "%v", err)
				continue
			}
			aliases = append(aliases, a)
		}
		used = append(used, k)
		r.ctr.ExtraOptions = append(r.ctr.ExtraOptions, r.networkFlag(n.Name, aliases, nets[k], p))
	}
	return used
}

var ifnameRe = regexp.MustCompile(`^[a-zA-Z0-9_.-]{1,15}$`)

// networkFlag renders one attachment: docker's `--network=name=N,alias=A,...` (a CSV
// value) or podman's `--network=N:alias=A,...`.
func (r *run) networkFlag(network string, aliases []string, sn *khepriv1.ServiceNetwork, p diag.Path) string {
	podman := r.podman()
	var opts []string
	add := func(key, value string) { opts = append(opts, key+"="+value) }
	for _, a := range aliases {
		add("alias", a)
	}
	addr := func(field, value string, want6 bool) {
		if value == "" {
			return
		}
		a, err := netip.ParseAddr(value)
		if err != nil || a.Is6() != want6 || a.Zone() != "" {
			r.d.Errorf(p.Field(field), "%q is not an IPv%s address", value, map[bool]string{false: "4", true: "6"}[want6])
			return
		}
		add(map[bool]string{false: "ip", true: "ip6"}[want6], a.String())
	}
	addr("ipv4Address", sn.GetIpv4Address(), false)
	addr("ipv6Address", sn.GetIpv6Address(), true)
	for i, ip := range sn.GetLinkLocalIps() {
		a, err := netip.ParseAddr(ip)
		switch {
		case podman:
			r.d.Errorf(p.Field("linkLocalIps"), "podman has no link-local addresses per network; remove linkLocalIps or use docker")
		case err != nil || a.Zone() != "":
			r.d.Errorf(p.Field("linkLocalIps").Index(i), "%q is not an IP address", ip)
		default:
			add("link-local-ip", a.String())
			continue
		}
		break
	}
	if mac := sn.GetMacAddress(); mac != "" {
		if hw, err := net.ParseMAC(mac); err != nil || len(hw) != 6 {
			r.d.Errorf(p.Field("macAddress"), "%q is not a MAC address such as 02:42:ac:11:00:02", mac)
		} else {
			add(map[bool]string{false: "mac-address", true: "mac"}[podman], hw.String())
		}
	}
	opts2 := sn.GetDriverOpts()
	if len(opts2) > 0 && podman {
		r.d.Errorf(p.Field("driverOpts"), "podman has no endpoint driver options; remove driverOpts or use docker")
	}
	if ifname := sn.GetInterfaceName(); ifname != "" {
		if !ifnameRe.MatchString(ifname) {
			r.d.Errorf(p.Field("interfaceName"), "invalid interface name %q: use up to 15 letters, digits, '_', '.' and '-'", ifname)
		} else if podman {
			add("interface_name", ifname)
		} else {
			// docker names the interface through an endpoint driver option (engine 28.1).
			add("driver-opt", "com.docker.network.endpoint.ifname="+ifname)
		}
	}
	if !podman {
		for _, k := range slices.Sorted(maps.Keys(opts2)) {
			if k == "" || strings.Contains(k, "=") {
				r.d.Errorf(p.Field("driverOpts").Key(k), "invalid option name %q: it must be non-empty and contain no '='", k)
				continue
			}
			add("driver-opt", k+"="+opts2[k])
		}
	}
	if gw := sn.GetGwPriority(); gw != 0 {
		if podman {
			r.d.Errorf(p.Field("gwPriority"), "podman has no gateway priority; the first network (highest priority) gives the default route: use priority instead")
		} else {
			add("gw-priority", strconv.Itoa(int(gw)))
		}
	}
	if podman {
		return "--network=" + network + ":" + strings.Join(opts, ",")
	}
	fields := []string{"name=" + network}
	for _, o := range opts {
		fields = append(fields, csvField(o))
	}
	return "--network=" + strings.Join(fields, ",")
}

// extraHosts maps extraHosts to --add-host flags.
func (r *run) extraHosts() {
	for i, s := range r.svc.GetExtraHosts() {
		h, err := parse.ParseExtraHost(s)
		if err != nil {
			r.d.Errorf(r.path.Field("extraHosts").Index(i), "%v", err)
			continue
		}
		r.ctr.ExtraOptions = append(r.ctr.ExtraOptions, h.Flag())
	}
}
