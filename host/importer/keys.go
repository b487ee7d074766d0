package importer

import (
	"fmt"
	"net/netip"
	"strings"

	nw "github.com/khepri-nix/khepri/host/importer/nixwriter"
)

func (c *converter) str(path string, v any) nw.Value {
	s, ok := scalarString(v)
	if !ok {
		c.invalid(path, v, "a string")
		return nil
	}
	return nw.String(s)
}

// invalid records a value of a shape compose's schema should have rejected; it is a
// finding rather than a crash because the model comes from a third-party loader.
func (c *converter) invalid(path string, v any, want string) {
	c.unsupported(path, "expected "+want+", not "+fmt.Sprintf("%T", v), v)
}

// command keeps compose's form: a string stays a string (khepri splits it as compose
// does), a list stays a list, and an empty list (which clears the entrypoint) stays.
func (c *converter) command(path string, v any) nw.Value {
	if s, ok := v.(string); ok {
		return nw.String(s)
	}
	return c.strList(path, v)
}

func (c *converter) strList(path string, v any) nw.Value {
	l, ok := v.([]any)
	if !ok {
		c.invalid(path, v, "a list")
		return nil
	}
	out := nw.List{}
	for i, e := range l {
		s, ok := scalarString(e)
		if !ok {
			c.invalid(fmt.Sprintf("%s[%d]", path, i), e, "a string")
			continue
		}
		out = append(out, nw.String(s))
	}
	return out
}

// environment writes the variables as an attribute set (khepri's only form). A variable
// without a value takes it from the environment of the import, as compose's does at
// `up`; one that is unset there is left out, as compose leaves it out of the container.
func (c *converter) environment(path string, v any) nw.Value {
	vars := map[string]any{}
	switch e := v.(type) {
	case map[string]any:
		for k, val := range e {
			if val == nil {
				if found, ok := c.project.env[k]; ok {
					vars[k] = found
				}
				continue
			}
			vars[k] = val
		}
	case []any:
		for _, item := range e {
			s, ok := item.(string)
			if !ok {
				continue
			}
			if k, val, ok := strings.Cut(s, "="); ok {
				vars[k] = val
			} else if found, ok := c.project.env[s]; ok {
				vars[s] = found
			}
		}
	default:
		c.invalid(path, v, "a mapping or a list")
		return nil
	}
	return scalarAttrs(vars)
}

// labels are written like environment; a label without a value is the empty string, as
// in compose.
func (c *converter) labels(path string, v any) nw.Value {
	vars := map[string]any{}
	switch l := v.(type) {
	case map[string]any:
		for k, val := range l {
			if val == nil {
				val = ""
			}
			vars[k] = val
		}
	case []any:
		for _, item := range l {
			s, _ := item.(string)
			k, val, _ := strings.Cut(s, "=")
			vars[k] = val
		}
	default:
		c.invalid(path, v, "a mapping or a list")
		return nil
	}
	return scalarAttrs(vars)
}

// envFile keeps the files as files: their contents are read by the engine when the
// container starts and never enter the Nix text or the store. One file is written as a
// string, the option's short form.
func (c *converter) envFile(path string, v any) nw.Value {
	l, ok := v.([]any)
	if !ok {
		c.invalid(path, v, "a list")
		return nil
	}
	out := nw.List{}
	for i, e := range l {
		ep := fmt.Sprintf("%s[%d]", path, i)
		m, ok := e.(map[string]any)
		if !ok {
			c.invalid(ep, e, "a path")
			continue
		}
		p, _ := m["path"].(string)
		if req, ok := asBool(m["required"]); ok && !req {
			c.unsupported(ep+".required", notSupported+": the file must exist when the container starts", req)
		}
		if f, ok := m["format"]; ok {
			c.unsupported(ep+".format", notSupported+": the engine reads KEY=value lines literally", f)
		}
		out = append(out, c.hostPath(p))
	}
	if len(out) == 1 {
		return out[0]
	}
	return out
}

// volumes writes compose's short syntax, `source:target[:options]`, which is what khepri
// takes; long-syntax settings short syntax cannot say are findings.
func (c *converter) volumes(path string, v any) nw.Value {
	l, ok := v.([]any)
	if !ok {
		c.invalid(path, v, "a list")
		return nil
	}
	out := nw.List{}
	for i, e := range l {
		ep := fmt.Sprintf("%s[%d]", path, i)
		m, ok := e.(map[string]any)
		if !ok {
			c.invalid(ep, e, "a volume")
			continue
		}
		if vol := c.volume(ep, m); vol != nil {
			out = append(out, vol)
		}
	}
	return out
}

func (c *converter) volume(path string, m map[string]any) nw.Value {
	typ, _ := m["type"].(string)
	source, _ := m["source"].(string)
	target, _ := m["target"].(string)
	if typ != "bind" && typ != "volume" {
		c.unsupported(path+".type", fmt.Sprintf("%s: volumes of type %q", notSupported, typ), typ)
		return nil
	}
	var opts []string
	if ro, _ := asBool(m["read_only"]); ro {
		opts = append(opts, "ro")
	}
	for _, key := range sortedKeys(m) {
		val := m[key]
		switch key {
		case "type", "source", "target", "read_only":
		case "bind":
			bind, _ := val.(map[string]any)
			for _, bk := range sortedKeys(bind) {
				bv := bind[bk]
				switch {
				case bk == "selinux" && (bv == "z" || bv == "Z"):
					opts = append(opts, bv.(string))
				case bk == "propagation" && typ == "bind":
					if s, ok := bv.(string); ok && s != "" {
						opts = append(opts, s)
					}
				case bk == "create_host_path" && isTrue(bv):
				default:
					c.unsupported(path+".bind."+bk, notSupported, bv)
				}
			}
		case "volume":
			vol, _ := val.(map[string]any)
			for _, vk := range sortedKeys(vol) {
				if vk == "nocopy" && isTrue(vol[vk]) && typ == "volume" {
					opts = append(opts, "nocopy")
					continue
				}
				if b, ok := asBool(vol[vk]); vk == "nocopy" && ok && !b {
					continue
				}
				c.unsupported(path+".volume."+vk, notSupported, vol[vk])
			}
		default:
			c.unsupported(path+"."+key, notSupported, val)
		}
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

// ports writes short syntax, `[ip:][host:]container[/protocol]`. compose-go has already
// expanded a range of container ports into one entry per port, which means the same.
func (c *converter) ports(path string, v any) nw.Value {
	l, ok := v.([]any)
	if !ok {
		c.invalid(path, v, "a list")
		return nil
	}
	out := nw.List{}
	for i, e := range l {
		ep := fmt.Sprintf("%s[%d]", path, i)
		m, ok := e.(map[string]any)
		if !ok {
			c.invalid(ep, e, "a port")
			continue
		}
		var ip, published, target, protocol string
		for _, key := range sortedKeys(m) {
			val := m[key]
			switch key {
			case "host_ip":
				ip, _ = scalarString(val)
			case "published":
				published, _ = scalarString(val)
			case "target":
				target, _ = scalarString(val)
			case "protocol":
				protocol, _ = scalarString(val)
			case "mode":
				if val != "ingress" {
					c.unsupported(ep+".mode", notSupported, val)
				}
			default:
				c.unsupported(ep+"."+key, notSupported, val)
			}
		}
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
		out = append(out, nw.String(s))
	}
	return out
}

// devices writes `host[:container[:permissions]]`, leaving out what equals the default
// (the same path inside, permissions rwm).
func (c *converter) devices(path string, v any) nw.Value {
	l, ok := v.([]any)
	if !ok {
		c.invalid(path, v, "a list")
		return nil
	}
	out := nw.List{}
	for i, e := range l {
		m, ok := e.(map[string]any)
		if !ok {
			c.invalid(fmt.Sprintf("%s[%d]", path, i), e, "a device")
			continue
		}
		source, _ := m["source"].(string)
		target, _ := m["target"].(string)
		perms, _ := m["permissions"].(string)
		s := source
		switch {
		case perms != "" && perms != "rwm":
			s += ":" + cmpOr(target, source) + ":" + perms
		case target != "" && target != source:
			s += ":" + target
		}
		out = append(out, nw.String(s))
	}
	return out
}

// serviceNetworks writes a list of names when no network has settings, and the settings
// otherwise; khepri supports aliases.
func (c *converter) serviceNetworks(path string, v any) nw.Value {
	m, ok := v.(map[string]any)
	if !ok {
		c.invalid(path, v, "a mapping")
		return nil
	}
	attrs := nw.Attrs{}
	bare := true
	for _, name := range sortedKeys(m) {
		np := path + "." + name
		cfg, _ := m[name].(map[string]any)
		settings := nw.Attrs{}
		for _, key := range sortedKeys(cfg) {
			if key == "aliases" {
				if aliases := c.strList(np+".aliases", cfg[key]); aliases != nil {
					settings = append(settings, nw.Attr{Name: "aliases", Value: aliases})
				}
				continue
			}
			c.unsupported(np+"."+key, notSupported, cfg[key])
		}
		if len(settings) > 0 {
			bare = false
		}
		attrs = append(attrs, nw.Attr{Name: name, Value: settings})
	}
	if bare {
		return namesOf(attrs)
	}
	return attrs
}

// extraHosts writes `host:ip` entries as compose wrote them; the mapping form becomes
// `host=ip`, one entry per address.
func (c *converter) extraHosts(path string, v any) nw.Value {
	switch h := v.(type) {
	case []any:
		return c.strList(path, h)
	case map[string]any:
		out := nw.List{}
		for _, host := range sortedKeys(h) {
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
	bare := true
	for _, name := range sortedKeys(m) {
		cfg, _ := m[name].(map[string]any)
		settings := nw.Attrs{}
		for _, key := range sortedKeys(cfg) {
			val := cfg[key]
			switch key {
			case "condition":
				if s, ok := val.(string); ok && s != "service_started" {
					settings = append(settings, nw.Attr{Name: "condition", Value: nw.String(s)})
				}
			case "required":
				if b, ok := asBool(val); ok && !b {
					settings = append(settings, nw.Attr{Name: "required", Value: nw.Bool(false)})
				}
			case "restart":
				if b, ok := asBool(val); ok && b {
					settings = append(settings, nw.Attr{Name: "restart", Value: nw.Bool(true)})
				}
			default:
				c.unsupported(path+"."+name+"."+key, notSupported, val)
			}
		}
		if len(settings) > 0 {
			bare = false
		}
		attrs = append(attrs, nw.Attr{Name: name, Value: settings})
	}
	if bare {
		return namesOf(attrs)
	}
	return attrs
}
