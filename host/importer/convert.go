package importer

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"

	nw "github.com/khepri-nix/khepri/host/importer/nixwriter"
)

// notSupported is the message of a key khepri has no option for.
const notSupported = "not supported by khepri yet"

// converter turns the canonical compose model into khepri options, collecting what it
// cannot express as findings.
type converter struct {
	project  *project
	relative bool
	relBase  string
	findings []Finding
	err      error
}

func (c *converter) unsupported(path, message string, value any) {
	text, err := json.Marshal(value)
	if err != nil {
		text = []byte(fmt.Sprint(value))
	}
	c.findings = append(c.findings, Finding{Path: path, Message: message, Value: string(text)})
}

// comment is what --allow-unsupported writes for a finding at path, if any.
func (c *converter) comments(prefix string) []string {
	var out []string
	for _, f := range c.findings {
		if f.Path == prefix || strings.HasPrefix(f.Path, prefix+".") || strings.HasPrefix(f.Path, prefix+"[") {
			out = append(out, fmt.Sprintf("%s: %s: %s", f.Path, f.Message, f.Value))
		}
	}
	return out
}

// composition writes the project's services, networks and volumes. Top-level keys other
// than those are findings; `name` is the composition's attribute name and `version` is
// obsolete (compose-go drops it).
func (c *converter) composition() nw.Attrs {
	var out nw.Attrs
	for _, key := range sortedKeys(c.project.model) {
		switch {
		case key == "name" || key == "services" || key == "networks" || key == "volumes":
		case strings.HasPrefix(key, "x-"):
			// Extensions are for anchors and tools; compose itself ignores them.
		default:
			c.unsupported(key, notSupported, c.project.model[key])
			out = append(out, nw.Attr{Comments: c.comments(key)})
		}
	}

	services := nw.Attrs{}
	model, _ := c.project.model["services"].(map[string]any)
	for _, name := range sortedKeys(model) {
		if !c.project.active[name] {
			continue
		}
		svc, _ := model[name].(map[string]any)
		services = append(services, nw.Attr{Name: name, Value: c.service("services."+name, svc)})
	}
	top := nw.Attrs{{Name: "services", Value: services}}
	for _, section := range []string{"networks", "volumes"} {
		if v := c.resources(section); v != nil {
			top = append(top, nw.Attr{Name: section, Value: v})
		}
	}
	return append(top, out...)
}

// resources writes top-level networks or volumes: a list of names when none has
// settings, as people write `volumes = [ "pgdata" ];`.
func (c *converter) resources(section string) nw.Value {
	model, ok := c.project.model[section].(map[string]any)
	if !ok || len(model) == 0 {
		return nil
	}
	attrs := nw.Attrs{}
	bare := true
	for _, name := range sortedKeys(model) {
		path := section + "." + name
		settings := nw.Attrs{}
		cfg, _ := model[name].(map[string]any)
		for _, key := range sortedKeys(cfg) {
			switch v := cfg[key]; {
			case key == "external":
				if b, ok := asBool(v); ok && b {
					settings = append(settings, nw.Attr{Name: "external", Value: nw.Bool(true)})
				}
			case key == "name":
				if s, ok := v.(string); ok {
					settings = append(settings, nw.Attr{Name: "name", Value: nw.String(s)})
				}
			case strings.HasPrefix(key, "x-"):
			default:
				c.unsupported(path+"."+key, notSupported, v)
			}
		}
		if len(settings) > 0 || len(c.comments(path)) > 0 {
			bare = false
		}
		attrs = append(attrs, nw.Attr{Name: name, Value: settings, Comments: c.comments(path)})
	}
	if bare {
		return namesOf(attrs)
	}
	return attrs
}

// serviceKey maps one compose service key to its khepri option.
type serviceKey struct {
	compose string
	option  string
	convert func(c *converter, path string, v any) nw.Value
}

// serviceKeys are the compose service keys khepri supports, in the order the options
// are declared in nixlib/options/service.nix, which is the order they are written in.
// TestServiceKeysExist checks every option against the option tree.
var serviceKeys = []serviceKey{
	{"image", "image", (*converter).str},
	{"container_name", "containerName", (*converter).str},
	{"command", "command", (*converter).command},
	{"entrypoint", "entrypoint", (*converter).command},
	{"environment", "environment", (*converter).environment},
	{"env_file", "envFile", (*converter).envFile},
	{"volumes", "volumes", (*converter).volumes},
	{"ports", "ports", (*converter).ports},
	{"cap_add", "capAdd", (*converter).strList},
	{"cap_drop", "capDrop", (*converter).strList},
	{"devices", "devices", (*converter).devices},
	{"networks", "networks", (*converter).serviceNetworks},
	{"extra_hosts", "extraHosts", (*converter).extraHosts},
	{"labels", "labels", (*converter).labels},
	{"depends_on", "dependsOn", (*converter).dependsOn},
	{"restart", "restart", (*converter).str},
}

// consumedKeys are resolved while loading and have no option: profiles select the
// services written, extends is merged into the service.
var consumedKeys = map[string]bool{"profiles": true, "extends": true}

func (c *converter) service(path string, svc map[string]any) nw.Attrs {
	out := nw.Attrs{}
	known := map[string]bool{}
	for _, k := range serviceKeys {
		known[k.compose] = true
		v, ok := svc[k.compose]
		if !ok || v == nil {
			continue
		}
		keyPath := path + "." + k.compose
		value := k.convert(c, keyPath, v)
		comments := c.comments(keyPath)
		if value == nil {
			if len(comments) > 0 {
				out = append(out, nw.Attr{Comments: comments})
			}
			continue
		}
		out = append(out, nw.Attr{Name: k.option, Value: value, Comments: comments})
	}
	for _, key := range sortedKeys(svc) {
		if known[key] || consumedKeys[key] || strings.HasPrefix(key, "x-") {
			continue
		}
		msg := notSupported
		if key == "build" {
			msg = "not supported by khepri yet: khepri runs images; build one with dockerTools (pkgs.dockerTools.buildLayeredImage) and set image to it"
		}
		c.unsupported(path+"."+key, msg, svc[key])
		out = append(out, nw.Attr{Comments: c.comments(path + "." + key)})
	}
	return out
}

func namesOf(attrs nw.Attrs) nw.List {
	out := nw.List{}
	for _, a := range attrs {
		out = append(out, nw.String(a.Name))
	}
	return out
}

// scalarAttrs writes a mapping of compose scalars sorted by name; integers and booleans
// stay what they were, since khepri turns them into strings as compose does.
func scalarAttrs(m map[string]any) nw.Attrs {
	out := nw.Attrs{}
	for _, k := range sortedKeys(m) {
		switch v := m[k].(type) {
		case bool:
			out = append(out, nw.Attr{Name: k, Value: nw.Bool(v)})
		case int:
			out = append(out, nw.Attr{Name: k, Value: nw.Int(v)})
		case int64:
			out = append(out, nw.Attr{Name: k, Value: nw.Int(v)})
		case uint64:
			if v <= math.MaxInt64 {
				out = append(out, nw.Attr{Name: k, Value: nw.Int(int64(v))})
				continue
			}
			out = append(out, nw.Attr{Name: k, Value: nw.String(strconv.FormatUint(v, 10))})
		default:
			s, _ := scalarString(v)
			out = append(out, nw.Attr{Name: k, Value: nw.String(s)})
		}
	}
	return out
}

// scalarString renders a YAML scalar as compose does when it wants a string.
func scalarString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case bool:
		return strconv.FormatBool(v), true
	case int:
		return strconv.Itoa(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case uint32:
		return strconv.FormatUint(uint64(v), 10), true
	case uint64:
		return strconv.FormatUint(v, 10), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	}
	return "", false
}

// asBool reads a boolean, including compose-go's named boolean types (types.OptOut).
func asBool(v any) (bool, bool) {
	r := reflect.ValueOf(v)
	if !r.IsValid() || r.Kind() != reflect.Bool {
		return false, false
	}
	return r.Bool(), true
}

func isTrue(v any) bool {
	b, ok := asBool(v)
	return ok && b
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
