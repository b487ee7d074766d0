package parse

import (
	"fmt"
	"net/netip"
	"strings"
)

// ExtraHost is one entry of compose's `extra_hosts`.
type ExtraHost struct {
	Host string
	// IP is the address without brackets, or docker's special `host-gateway`.
	IP string
}

// Flag renders the entry as the engines take it: `--add-host=host:ip`. Docker splits the
// value at the first colon, so an IPv6 address needs no brackets.
func (h ExtraHost) Flag() string { return "--add-host=" + h.Host + ":" + h.IP }

// ParseExtraHost parses `host:ip` or `host=ip`, with an IPv6 address optionally in
// brackets, as compose does: `=` wins when present, otherwise the first colon splits.
func ParseExtraHost(s string) (ExtraHost, error) {
	host, ip, ok := strings.Cut(s, "=")
	if !ok {
		host, ip, ok = strings.Cut(s, ":")
	}
	if !ok {
		return ExtraHost{}, fmt.Errorf("invalid extra host %q: use host:ip or host=ip", s)
	}
	if host == "" || strings.ContainsAny(host, " \t\n:=[]") {
		return ExtraHost{}, fmt.Errorf("invalid extra host %q: %q is not a host name; use host:ip or host=ip", s, host)
	}
	if strings.HasPrefix(ip, "[") && strings.HasSuffix(ip, "]") {
		ip = ip[1 : len(ip)-1]
	}
	if ip == "host-gateway" {
		return ExtraHost{Host: host, IP: ip}, nil
	}
	addr, err := netip.ParseAddr(ip)
	if err != nil || addr.Zone() != "" {
		return ExtraHost{}, fmt.Errorf("invalid extra host %q: %q is not an IP address (or host-gateway); use host:ip or host=ip", s, ip)
	}
	return ExtraHost{Host: host, IP: addr.String()}, nil
}
