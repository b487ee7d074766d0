package parse

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// PortRange is an inclusive range of port numbers; a single port has First == Last.
type PortRange struct {
	First, Last int
}

// Len is the number of ports in the range.
func (r PortRange) Len() int { return r.Last - r.First + 1 }

// Overlaps reports whether two ranges share a port.
func (r PortRange) Overlaps(o PortRange) bool { return r.First <= o.Last && o.First <= r.Last }

func (r PortRange) String() string {
	if r.First == r.Last {
		return strconv.Itoa(r.First)
	}
	return fmt.Sprintf("%d-%d", r.First, r.Last)
}

// Port is one entry of compose's short `ports` syntax:
// `[ip:][host[-range]:]container[-range][/protocol]`.
type Port struct {
	// HostIP is the host address; invalid when none is given (every address).
	HostIP netip.Addr
	// Host is the published host port range; zero when the engine picks a port.
	Host PortRange
	// Container is the container port range.
	Container PortRange
	// Protocol is tcp, udp or sctp.
	Protocol string
}

// Published reports whether the port binds a fixed host port, the only kind that can
// conflict with another. A host range for a single container port is not fixed: the
// engine picks any free port in it.
func (p Port) Published() bool {
	return p.Host.First != 0 && (p.Host.Len() == 1 || p.Container.Len() > 1)
}

// HostAddr renders the host address for messages.
func (p Port) HostAddr() string {
	switch {
	case !p.HostIP.IsValid():
		return "*"
	case p.HostIP.Is6():
		return "[" + p.HostIP.String() + "]"
	default:
		return p.HostIP.String()
	}
}

// Conflicts reports whether two published ports bind the same host port. No address
// or an unspecified one (0.0.0.0, ::) overlaps every address, as the kernel refuses the
// second bind.
func (p Port) Conflicts(o Port) bool {
	if !p.Published() || !o.Published() || p.Protocol != o.Protocol || !p.Host.Overlaps(o.Host) {
		return false
	}
	if !p.HostIP.IsValid() || !o.HostIP.IsValid() || p.HostIP.IsUnspecified() || o.HostIP.IsUnspecified() {
		return true
	}
	return p.HostIP == o.HostIP
}

const portSyntax = "use compose's short syntax [ip:][host[-range]:]container[-range][/tcp|udp|sctp], with an IPv6 address in brackets ([::1]:8080:80)"

// ParsePort parses one entry of compose's short `ports` syntax.
func ParsePort(s string) (Port, error) {
	p := Port{Protocol: "tcp"}
	rest := s
	if i := strings.LastIndexByte(rest, '/'); i >= 0 {
		p.Protocol = rest[i+1:]
		rest = rest[:i]
		switch p.Protocol {
		case "tcp", "udp", "sctp":
		default:
			return Port{}, fmt.Errorf("invalid port %q: unknown protocol %q; %s", s, p.Protocol, portSyntax)
		}
	}
	var ip, host, ctr string
	if strings.HasPrefix(rest, "[") {
		end := strings.Index(rest, "]:")
		if end < 0 {
			return Port{}, fmt.Errorf("invalid port %q: unterminated IPv6 address; %s", s, portSyntax)
		}
		ip = rest[1:end]
		parts := strings.Split(rest[end+2:], ":")
		if len(parts) != 2 {
			return Port{}, fmt.Errorf("invalid port %q: an address needs host and container ports; %s", s, portSyntax)
		}
		host, ctr = parts[0], parts[1]
		addr, err := netip.ParseAddr(ip)
		if err != nil || !addr.Is6() || addr.Zone() != "" {
			return Port{}, fmt.Errorf("invalid port %q: %q is not an IPv6 address; %s", s, ip, portSyntax)
		}
		p.HostIP = addr
	} else {
		parts := strings.Split(rest, ":")
		switch len(parts) {
		case 1:
			ctr = parts[0]
		case 2:
			host, ctr = parts[0], parts[1]
		case 3:
			ip, host, ctr = parts[0], parts[1], parts[2]
			addr, err := netip.ParseAddr(ip)
			if err != nil || !addr.Is4() {
				return Port{}, fmt.Errorf("invalid port %q: %q is not an IPv4 address (put an IPv6 address in brackets); %s", s, ip, portSyntax)
			}
			p.HostIP = addr
		default:
			return Port{}, fmt.Errorf("invalid port %q: too many colons; %s", s, portSyntax)
		}
	}
	var err error
	if p.Container, err = parseRange(ctr); err != nil {
		return Port{}, fmt.Errorf("invalid port %q: container port: %v; %s", s, err, portSyntax)
	}
	if host != "" {
		if p.Host, err = parseRange(host); err != nil {
			return Port{}, fmt.Errorf("invalid port %q: host port: %v; %s", s, err, portSyntax)
		}
		// The engines map a host range to a container range of the same length, or pick
		// one port of a host range for a single container port.
		if p.Container.Len() > 1 && p.Host.Len() != p.Container.Len() {
			return Port{}, fmt.Errorf("invalid port %q: the host range %s and the container range %s differ in length", s, p.Host, p.Container)
		}
	}
	return p, nil
}

func parseRange(s string) (PortRange, error) {
	first, last, isRange := strings.Cut(s, "-")
	if !isRange {
		a, err := parsePortNumber(first)
		return PortRange{a, a}, err
	}
	a, errA := parsePortNumber(first)
	b, errB := parsePortNumber(last)
	if errA != nil || errB != nil {
		return PortRange{}, fmt.Errorf("%q is not a port range first-last of ports between 1 and 65535", s)
	}
	if b < a {
		return PortRange{}, fmt.Errorf("range %q ends before it starts", s)
	}
	return PortRange{a, b}, nil
}

func parsePortNumber(s string) (int, error) {
	// Digits only: Atoi would accept a sign.
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("%q is not a port number", s)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("%q is not a port number between 1 and 65535", s)
	}
	return n, nil
}
