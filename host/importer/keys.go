package importer

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	nw "github.com/khepri-nix/khepri/host/importer/nixwriter"
	"github.com/khepri-nix/khepri/proto/khepri/rejected"
)

func (c *converter) str(path string, v any) nw.Value {
	s, ok := scalarString(v)
	if !ok {
		c.invalid(path, v, "a string")
		return nil
	}
	return nw.String(s)
}

// checked writes a string that NixOS puts unquoted into the unit's shell script, after
// the check the plugin makes of it too, so that the import refuses it as compose does.
func checked(check func(string) error) func(*converter, string, any) nw.Value {
	return func(c *converter, path string, v any) nw.Value {
		if s, ok := scalarString(v); ok {
			if err := check(s); err != nil {
				c.refuse(path, err.Error())
				return nil
			}
		}
		return c.str(path, v)
	}
}

// invalid records a value of a shape compose's schema should have rejected; it is a
// finding rather than a crash because the model comes from a third-party loader.
func (c *converter) invalid(path string, v any, want string) {
	c.unsupported(path, "expected "+want+", not "+fmt.Sprintf("%T", v), v)
}

func (c *converter) strList(path string, v any) nw.Value {
	return c.list(path, v, c.str)
}

// environment writes the variables as an attribute set (khepri's only form). A variable
// without a value takes it from the environment of the import, as compose's does at
// `up`; one that is unset there is left out, as compose leaves it out of the container.
func (c *converter) environment(path string, v any) nw.Value {
	return c.keyValues(path, v, func(k string) (any, bool) {
		val, ok := c.project.env[k]
		return val, ok
	})
}

// labels are written like environment; a label without a value is the empty string, as
// in compose.
func (c *converter) labels(path string, v any) nw.Value {
	return c.keyValues(path, v, func(string) (any, bool) { return "", true })
}

// keyValues writes compose's mapping or list of KEY=VALUE strings as an attribute set.
// A key without a value (null, or no `=`) gets what missing gives it, and is left out
// when missing gives nothing.
func (c *converter) keyValues(path string, v any, missing func(key string) (any, bool)) nw.Value {
	vars := map[string]any{}
	set := func(k string, val any) {
		if val == nil {
			var ok bool
			if val, ok = missing(k); !ok {
				return
			}
		}
		vars[k] = val
	}
	switch e := v.(type) {
	case map[string]any:
		for k, val := range e {
			set(k, val)
		}
	case []any:
		for _, item := range e {
			s, ok := item.(string)
			if !ok {
				continue
			}
			if k, val, ok := strings.Cut(s, "="); ok {
				set(k, val)
			} else {
				set(s, nil)
			}
		}
	default:
		c.invalid(path, v, "a mapping or a list")
		return nil
	}
	return scalarAttrs(vars)
}

// envFile keeps the files as files: the container's unit reads them when it starts, so
// their contents never enter the Nix text or the store. An entry with compose's defaults
// (required, compose's syntax) is written as its path, a lone one as a string; the others
// in the long form. A missing required file fails the import, as it fails docker compose.
func (c *converter) envFile(path string, v any) nw.Value {
	l := c.list(path, v, func(path string, e any) nw.Value {
		m, ok := e.(map[string]any)
		if !ok {
			c.invalid(path, e, "a path")
			return nil
		}
		p, _ := m["path"].(string)
		required, ok := asBool(m["required"])
		if _, err := os.Stat(p); (required || !ok) && errors.Is(err, fs.ErrNotExist) {
			c.refuse(path, fmt.Sprintf("env file %s is missing, and docker compose refuses to start the service without it: create it, or set required: false", c.project.display(p)))
		}
		long, _ := c.object(path, m, envFileFields).(nw.Attrs)
		if len(long) == 1 && long[0].Name == "path" {
			return long[0].Value
		}
		return long
	})
	// envFile takes one path alone, not one attribute set alone (compose's shapes).
	if one, ok := l.(nw.List); ok && len(one) == 1 {
		if _, long := one[0].(nw.Attrs); !long {
			return one[0]
		}
	}
	return l
}

// envFileFields are an env file's settings; required and the format are written where
// they differ from compose's defaults (true, compose's syntax).
var envFileFields = []field{
	{"path", "path", func(c *converter, path string, v any) nw.Value {
		p, _ := v.(string)
		return c.hostPath(p)
	}},
	{"required", "required", func(c *converter, path string, v any) nw.Value {
		if b, ok := asBool(v); ok && !b {
			return nw.Bool(false)
		}
		return nil
	}},
	{"format", "format", func(c *converter, path string, v any) nw.Value {
		format, _ := v.(string)
		if format == "" {
			return nil
		}
		// docker compose knows its own syntax and raw, which its CLI registers.
		if format != "raw" {
			c.refuse(path, fmt.Sprintf("env_file format %q is unknown to docker compose: leave it out for compose's syntax, or use raw", format))
		}
		return nw.String(format)
	}},
}

// volumes writes compose's short syntax, `source:target[:options]`, where it says all the
// entry does, and the long syntax (an attribute set) otherwise.
func (c *converter) volumes(path string, v any) nw.Value {
	return c.list(path, v, func(path string, e any) nw.Value {
		m, ok := e.(map[string]any)
		switch {
		case !ok:
			c.invalid(path, e, "a volume")
			return nil
		case shortVolume(m):
			return c.volume(path, m)
		default:
			return c.object(path, m, volumeFields)
		}
	})
}

// shortVolume reports whether the short syntax says everything a canonical volume
// entry says: a bind or volume mount whose only options are read-only, nocopy, the
// propagation and the SELinux label. compose-go gives short bind mounts
// create_host_path: true, which is compose's default for the long syntax too.
func shortVolume(m map[string]any) bool {
	typ, _ := m["type"].(string)
	if typ != "bind" && typ != "volume" {
		return false
	}
	for key, val := range m {
		switch key {
		case "type", "source", "target", "read_only":
		case "bind":
			bind, _ := val.(map[string]any)
			for bk, bv := range bind {
				ok := (bk == "selinux" && (bv == "z" || bv == "Z")) ||
					(bk == "propagation" && typ == "bind") ||
					(bk == "create_host_path" && isTrue(bv))
				if !ok {
					return false
				}
			}
		case "volume":
			vol, _ := val.(map[string]any)
			for vk, vv := range vol {
				if _, ok := asBool(vv); vk != "nocopy" || !ok {
					return false
				}
			}
		default:
			return false
		}
	}
	return true
}

// volumeFields are the long syntax's keys (nixlib/options/long-syntax.nix).
var volumeFields = []field{
	{"type", "type", (*converter).str},
	{"source", "source", func(c *converter, path string, v any) nw.Value {
		s, ok := v.(string)
		if !ok || !filepath.IsAbs(s) {
			return c.str(path, v)
		}
		return c.hostPath(s)
	}},
	{"target", "target", (*converter).str},
	{"read_only", "readOnly", (*converter).boolean},
	{"bind", "bind", sub(bindFields)},
	{"volume", "volume", sub(volumeOptionFields)},
	{"tmpfs", "tmpfs", sub(tmpfsFields)},
	{"image", "image", sub(imageMountFields)},
	{"consistency", "consistency", (*converter).str},
}

// bindFields, volumeOptionFields, tmpfsFields and imageMountFields are the options of
// the long syntax's mount types.
var bindFields = []field{
	{"propagation", "propagation", (*converter).str},
	{"create_host_path", "createHostPath", (*converter).boolean},
	{"selinux", "selinux", (*converter).str},
	{"recursive", "recursive", (*converter).str},
}

var volumeOptionFields = []field{
	{"nocopy", "nocopy", (*converter).boolean},
	{"subpath", "subpath", (*converter).str},
	{"labels", "labels", (*converter).labels},
}

var tmpfsFields = []field{
	{"size", "size", (*converter).intOrString},
	{"mode", "mode", (*converter).tmpfsMode},
}

var imageMountFields = []field{
	{"subpath", "subpath", (*converter).str},
}

// tmpfsMode writes a tmpfs mount's mode as octal digits. compose-go reads it as a
// number: a YAML integer is its value (`1777` is decimal, `01777` octal), a string is
// read in Go's base prefixes (strconv base 0).
func (c *converter) tmpfsMode(path string, v any) nw.Value {
	if s, ok := v.(string); ok {
		n, err := strconv.ParseUint(s, 0, 32)
		if err != nil {
			c.invalid(path, v, "a file mode")
			return nil
		}
		return nw.String("0" + strconv.FormatUint(n, 8))
	}
	return c.octalMode(path, v)
}

func (c *converter) volume(path string, m map[string]any) nw.Value {
	typ, _ := m["type"].(string)
	source, _ := m["source"].(string)
	target, _ := m["target"].(string)
	var opts []string
	if ro, _ := asBool(m["read_only"]); ro {
		opts = append(opts, "ro")
	}
	bind, _ := m["bind"].(map[string]any)
	for _, bk := range slices.Sorted(maps.Keys(bind)) {
		if s, ok := bind[bk].(string); ok && s != "" && (bk == "selinux" || bk == "propagation") {
			opts = append(opts, s)
		}
	}
	vol, _ := m["volume"].(map[string]any)
	if isTrue(vol["nocopy"]) && typ == "volume" {
		opts = append(opts, "nocopy")
	}
	suffix := target
	if len(opts) > 0 {
		suffix += ":" + strings.Join(opts, ",")
	}
	switch {
	case source == "":
		return nw.String(suffix)
	case typ == "bind" && c.relativizable(source):
		q, err := nw.Quote(":" + suffix)
		if err != nil {
			c.err = fmt.Errorf("%s: %w", path, err)
			return nil
		}
		return nw.Atom(`"${toString ` + c.nixPath(source) + `}` + q[1:])
	default:
		return nw.String(source + ":" + suffix)
	}
}

// ports writes short syntax, `[ip:][host:]container[/protocol]`, unless the entry has
// settings only the long syntax has (app_protocol, name, mode host). compose-go has
// already expanded a range of container ports into one entry per port, which means the
// same, and has added mode ingress and protocol tcp, the defaults, which are left out.
func (c *converter) ports(path string, v any) nw.Value {
	return c.list(path, v, func(path string, e any) nw.Value {
		m, ok := e.(map[string]any)
		if !ok {
			c.invalid(path, e, "a port")
			return nil
		}
		return c.port(path, m)
	})
}

var portFields = []field{
	{"target", "target", (*converter).portNumber},
	{"published", "published", (*converter).portNumber},
	{"host_ip", "hostIp", (*converter).str},
	{"protocol", "protocol", func(c *converter, path string, v any) nw.Value {
		if v == "tcp" {
			return nil
		}
		return c.str(path, v)
	}},
	{"app_protocol", "appProtocol", (*converter).str},
	{"mode", "mode", func(c *converter, path string, v any) nw.Value {
		if v == "ingress" {
			return nil
		}
		return c.str(path, v)
	}},
	{"name", "name", (*converter).str},
}

// portNumber writes a port as a number, and a range (`8000-8010`) as a string.
func (c *converter) portNumber(path string, v any) nw.Value {
	if s, ok := v.(string); ok {
		if n, err := strconv.ParseInt(s, 10, 32); err == nil && n >= 0 {
			return nw.Int(n)
		}
		return nw.String(s)
	}
	return c.integer(path, v)
}

func (c *converter) port(path string, m map[string]any) nw.Value {
	for key, val := range m {
		short := key == "host_ip" || key == "published" || key == "target" || key == "protocol" ||
			(key == "mode" && (val == "ingress" || val == ""))
		if !short {
			return c.object(path, m, portFields)
		}
	}
	ip, _ := scalarString(m["host_ip"])
	published, _ := scalarString(m["published"])
	target, _ := scalarString(m["target"])
	protocol, _ := scalarString(m["protocol"])
	s := target
	if published != "" || ip != "" {
		s = published + ":" + s
	}
	if ip != "" {
		if addr, err := netip.ParseAddr(ip); err == nil && addr.Is6() {
			ip = "[" + ip + "]"
		}
		s = ip + ":" + s
	}
	if protocol != "" && protocol != "tcp" {
		s += "/" + protocol
	}
	return nw.String(s)
}

// devices writes `host[:container[:permissions]]`, leaving out what equals the default
// (the same path inside, permissions rwm).
func (c *converter) devices(path string, v any) nw.Value {
	return c.list(path, v, func(path string, e any) nw.Value {
		m, ok := e.(map[string]any)
		if !ok {
			c.invalid(path, e, "a device")
			return nil
		}
		source, _ := m["source"].(string)
		target, _ := m["target"].(string)
		perms, _ := m["permissions"].(string)
		s := source
		switch {
		case perms != "" && perms != "rwm":
			s += ":" + cmp.Or(target, source) + ":" + perms
		case target != "" && target != source:
			s += ":" + target
		}
		return nw.String(s)
	})
}

// serviceNetworks writes a list of names when no network has settings, and the settings
// otherwise.
func (c *converter) serviceNetworks(path string, v any) nw.Value {
	m, ok := v.(map[string]any)
	if !ok {
		c.invalid(path, v, "a mapping")
		return nil
	}
	attrs := nw.Attrs{}
	for _, name := range slices.Sorted(maps.Keys(m)) {
		settings := nw.Attrs{}
		if m[name] != nil {
			settings, _ = c.object(path+"."+name, m[name], serviceNetworkFields).(nw.Attrs)
		}
		attrs = append(attrs, nw.Attr{Name: name, Value: settings})
	}
	return namesOrAttrs(attrs)
}

// serviceNetworkFields are a service's settings on one network, in the order
// nixlib/options/long-syntax.nix declares them.
var serviceNetworkFields = []field{
	{"aliases", "aliases", (*converter).strList},
	{"ipv4_address", "ipv4Address", (*converter).str},
	{"ipv6_address", "ipv6Address", (*converter).str},
	{"link_local_ips", "linkLocalIps", (*converter).strList},
	{"mac_address", "macAddress", (*converter).str},
	{"driver_opts", "driverOpts", (*converter).stringAttrs},
	{"priority", "priority", (*converter).integer},
	{"gw_priority", "gwPriority", (*converter).integer},
	{"interface_name", "interfaceName", (*converter).str},
	// compose's default, true, is what khepri does; false is refused.
	{"use_service_name_alias", "", func(c *converter, path string, v any) nw.Value {
		if isTrue(v) {
			return nil
		}
		why, _ := rejected.Reason(rejected.ServiceNetwork, "use_service_name_alias")
		c.unsupported(path, "not supported by khepri: "+why, v)
		return nil
	}},
}

// extraHosts writes `host:ip` entries as compose wrote them; the mapping form becomes
// `host=ip`, one entry per address.
func (c *converter) extraHosts(path string, v any) nw.Value {
	switch h := v.(type) {
	case []any:
		return c.strList(path, h)
	case map[string]any:
		out := nw.List{}
		for _, host := range slices.Sorted(maps.Keys(h)) {
			switch ip := h[host].(type) {
			case []any:
				for _, a := range ip {
					s, _ := scalarString(a)
					out = append(out, nw.String(host+"="+s))
				}
			default:
				s, _ := scalarString(ip)
				out = append(out, nw.String(host+"="+s))
			}
		}
		return out
	}
	c.invalid(path, v, "a list or a mapping")
	return nil
}

// dependsOn writes a list of names when every dependency has compose's defaults
// (service_started, required, no restart), and the settings that differ otherwise.
func (c *converter) dependsOn(path string, v any) nw.Value {
	m, ok := v.(map[string]any)
	if !ok {
		c.invalid(path, v, "a mapping")
		return nil
	}
	attrs := nw.Attrs{}
	for _, name := range slices.Sorted(maps.Keys(m)) {
		settings := nw.Attrs{}
		if cfg, ok := m[name].(map[string]any); ok {
			settings, _ = c.object(path+"."+name, cfg, dependencyFields).(nw.Attrs)
		}
		attrs = append(attrs, nw.Attr{Name: name, Value: settings})
	}
	return namesOrAttrs(attrs)
}

// dependencyFields are the settings of one dependency, written where they differ from
// compose's defaults.
var dependencyFields = []field{
	{"condition", "condition", func(c *converter, path string, v any) nw.Value {
		if s, ok := v.(string); ok && s != "service_started" {
			return nw.String(s)
		}
		return nil
	}},
	{"required", "required", func(c *converter, path string, v any) nw.Value {
		if b, ok := asBool(v); ok && !b {
			return nw.Bool(false)
		}
		return nil
	}},
	{"restart", "restart", func(c *converter, path string, v any) nw.Value {
		if isTrue(v) {
			return nw.Bool(true)
		}
		return nil
	}},
}
