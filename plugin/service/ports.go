package service

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/parse"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// ports maps published ports, short or long syntax, to oci-containers' `ports`, which
// takes the short syntax: a long entry is rendered in it and parsed back, so that both
// forms are validated alike.
func (r *run) ports() []PortUse {
	var uses []PortUse
	for i, v := range r.svc.GetPorts() {
		p := r.path.Field("ports").Index(i)
		var lp khepriv1.ServicePort
		spec, long, ok := r.listEntry(v, p, "port", &lp)
		if !ok {
			continue
		}
		if long {
			var err error
			if spec, err = r.longPort(&lp, p); err != nil {
				r.d.Errorf(p, "%v", err)
				continue
			}
		}
		port, err := parse.ParsePort(spec)
		if err != nil {
			r.d.Errorf(p, "%v", err)
			continue
		}
		uses = append(uses, PortUse{Port: port, Spec: spec, Path: p})
		r.ctr.Ports = append(r.ctr.Ports, spec)
	}
	return uses
}

// longPort renders a long-syntax port in the short syntax.
func (r *run) longPort(lp *khepriv1.ServicePort, p diag.Path) (string, error) {
	portChars := func(field, s string) error {
		if strings.Trim(s, "0123456789-") != "" {
			return fmt.Errorf("invalid port: %s %q is not a port or a range first-last", field, s)
		}
		return nil
	}
	if lp.GetTarget() == "" {
		return "", fmt.Errorf("invalid port: target is required: the container port or range")
	}
	if err := portChars("target", lp.GetTarget()); err != nil {
		return "", err
	}
	if err := portChars("published", lp.GetPublished()); err != nil {
		return "", err
	}
	switch lp.GetMode() {
	case "", "ingress", "host":
		// Both publish on the engine's host: ingress is swarm's routing mesh, which a
		// single engine does not have, and compose publishes it the same way there.
	default:
		return "", fmt.Errorf("invalid port: mode %q; allowed: \"ingress\", \"host\"", lp.GetMode())
	}
	if lp.GetAppProtocol() != "" {
		r.d.Warnf(p.Field("appProtocol"), "appProtocol %q has no engine flag (compose keeps it as metadata for platforms); the port is published without it", lp.GetAppProtocol())
	}
	if lp.GetName() != "" {
		r.d.Warnf(p.Field("name"), "port name %q has no engine flag (compose shows it in its own output); the port is published without it", lp.GetName())
	}
	var b strings.Builder
	if ip := lp.GetHostIp(); ip != "" {
		addr, err := netip.ParseAddr(strings.Trim(ip, "[]"))
		if err != nil || addr.Zone() != "" {
			return "", fmt.Errorf("invalid port: hostIp %q is not an IP address", ip)
		}
		if addr.Is6() {
			b.WriteString("[" + addr.String() + "]:")
		} else {
			b.WriteString(addr.String() + ":")
		}
		// An address needs the host port field, empty when the engine picks the port.
		b.WriteString(lp.GetPublished() + ":")
	} else if lp.GetPublished() != "" {
		b.WriteString(lp.GetPublished() + ":")
	}
	b.WriteString(lp.GetTarget())
	if proto := lp.GetProtocol(); proto != "" {
		b.WriteString("/" + proto)
	}
	return b.String(), nil
}
