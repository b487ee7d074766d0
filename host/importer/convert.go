package importer

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	nw "github.com/khepri-nix/khepri/host/importer/nixwriter"
	"github.com/khepri-nix/khepri/proto/khepri/rejected"
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
	// refusals are mistakes docker compose refuses too: they fail the import whatever
	// AllowUnsupported says.
	refusals []Finding
	err      error
}

// refuse records a mistake of the project at path (see converter.refusals).
func (c *converter) refuse(path, message string) {
	c.refusals = append(c.refusals, Finding{Path: path, Message: message})
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

// topLevelKeys are the top-level keys written, by option.
var topLevelKeys = map[string]string{
	"services": "services",
	"networks": "networks",
	"volumes":  "volumes",
	"secrets":  "secrets",
	"configs":  "configs",
}

// consumedTopLevelKeys are the top-level keys that have no place in the import: `name`
// is the composition's attribute name, compose-go merges what include names and drops
// version, which is obsolete.
var consumedTopLevelKeys = map[string]bool{"name": true, "include": true, "version": true}

// composition writes the project's services, networks, volumes, secrets and configs.
// Other top-level keys are findings.
func (c *converter) composition() nw.Attrs {
	var out nw.Attrs
	for _, key := range slices.Sorted(maps.Keys(c.project.model)) {
		switch {
		case topLevelKeys[key] != "" || consumedTopLevelKeys[key]:
		case strings.HasPrefix(key, "x-"):
			// Extensions are for anchors and tools; compose itself ignores them.
		default:
			msg := notSupported
			if why, ok := rejected.Reason(rejected.Composition, key); ok {
				msg = "not supported by khepri: " + why
			}
			c.unsupported(key, msg, c.project.model[key])
			out = append(out, nw.Attr{Comments: c.comments(key)})
		}
	}

	// Every service is written, those of profiles that are not selected too: khepri's
	// profiles work as compose's, so the selection below runs the services compose-go
	// loaded and the others stay one edit away.
	services := nw.Attrs{}
	model, _ := c.project.model["services"].(map[string]any)
	for _, name := range slices.Sorted(maps.Keys(model)) {
		svc, _ := model[name].(map[string]any)
		services = append(services, nw.Attr{Name: name, Value: c.service("services."+name, svc)})
	}
	top := nw.Attrs{{Name: "services", Value: services}}
	for _, section := range []string{"networks", "volumes"} {
		if v := c.resources(section); v != nil {
			top = append(top, nw.Attr{Name: section, Value: v})
		}
	}
	for _, section := range []string{"secrets", "configs"} {
		if v := c.fileObjects(section); v != nil {
			top = append(top, nw.Attr{Name: section, Value: v})
		}
	}
	if p := c.selectedProfiles(model); p != nil {
		top = append(top, nw.Attr{Name: "profiles", Value: p})
	}
	return append(top, out...)
}

// selectedProfiles are the profiles the import ran with (--profile, or
// COMPOSE_PROFILES) that some service declares, which select in khepri the services
// compose-go selected. `*`, every profile in compose, is every profile the services
// declare, since khepri has no wildcard. A selected profile no service declares selects
// nothing and is left out.
func (c *converter) selectedProfiles(services map[string]any) nw.Value {
	declared := map[string]bool{}
	for _, svc := range services {
		m, _ := svc.(map[string]any)
		l, _ := m["profiles"].([]any)
		for _, p := range l {
			if s, ok := p.(string); ok {
				declared[s] = true
			}
		}
	}
	selected := map[string]bool{}
	for _, p := range c.project.profiles {
		if p == "*" {
			selected = declared
			break
		}
		if declared[p] {
			selected[p] = true
		}
	}
	if len(selected) == 0 {
		return nil
	}
	out := nw.List{}
	for _, p := range slices.Sorted(maps.Keys(selected)) {
		out = append(out, nw.String(p))
	}
	return out
}

// networkFields are the settings of a top-level network: those it shares with volumes
// and its own, in the order nixlib/options/resource.nix declares them.
var networkFields = append(append([]field{}, commonResourceFields...),
	field{"attachable", "attachable", (*converter).boolean},
	field{"enable_ipv4", "enableIpv4", (*converter).boolean},
	field{"enable_ipv6", "enableIpv6", (*converter).boolean},
	field{"internal", "internal", (*converter).boolean},
	field{"ipam", "ipam", sub(ipamFields)},
)

var ipamFields = []field{
	{"driver", "driver", (*converter).str},
	{"config", "config", objects(ipamConfigFields)},
	{"options", "options", (*converter).stringAttrs},
}

// ipamConfigFields are the settings of one of a network's subnets.
var ipamConfigFields = []field{
	{"subnet", "subnet", (*converter).str},
	{"ip_range", "ipRange", (*converter).str},
	{"gateway", "gateway", (*converter).str},
	{"aux_addresses", "auxAddresses", (*converter).stringAttrs},
}

// commonResourceFields are the settings of top-level networks and volumes. external is
// written when true only, its default being false.
var commonResourceFields = []field{
	{"external", "external", func(c *converter, path string, v any) nw.Value {
		if isTrue(v) {
			return nw.Bool(true)
		}
		return nil
	}},
	{"name", "name", (*converter).str},
	{"driver", "driver", (*converter).str},
	{"driver_opts", "driverOpts", (*converter).stringAttrs},
	{"labels", "labels", (*converter).labels},
}

// resources writes top-level networks or volumes: a list of names when none has
// settings, as people write `volumes = [ "pgdata" ];`.
func (c *converter) resources(section string) nw.Value {
	model, ok := c.project.model[section].(map[string]any)
	if !ok || len(model) == 0 {
		return nil
	}
	fields := commonResourceFields
	if section == "networks" {
		fields = networkFields
	}
	attrs := nw.Attrs{}
	for _, name := range slices.Sorted(maps.Keys(model)) {
		path := section + "." + name
		settings := nw.Attrs{}
		if model[name] != nil {
			settings, _ = c.object(path, model[name], fields).(nw.Attrs)
		}
		attrs = append(attrs, nw.Attr{Name: name, Value: settings, Comments: c.comments(path)})
	}
	return namesOrAttrs(attrs)
}

func (c *converter) service(path string, svc map[string]any) nw.Attrs {
	out := nw.Attrs{}
	known := map[string]bool{}
	for _, k := range serviceKeys {
		known[k.compose] = true
		v, ok := svc[k.compose]
		if k.compose == "scale" && !ok {
			// deploy.replicas is compose's other spelling of scale, and khepri has only
			// scale; compose-go has already refused the two set to different numbers.
			v, ok = replicasOf(svc)
		}
		if !ok || v == nil {
			continue
		}
		keyPath := path + "." + k.compose
		value := k.convert(c, keyPath, v)
		if a, ok := value.(nw.Attrs); ok && len(a) == 0 && k.compose == "deploy" {
			// A deploy with replicas alone is written as scale.
			value = nil
		}
		comments := c.comments(keyPath)
		if value == nil {
			if len(comments) > 0 {
				out = append(out, nw.Attr{Comments: comments})
			}
			continue
		}
		out = append(out, nw.Attr{Name: k.option, Value: value, Comments: comments})
	}
	for _, key := range slices.Sorted(maps.Keys(svc)) {
		if known[key] || consumedKeys[key] || strings.HasPrefix(key, "x-") {
			continue
		}
		msg := notSupported
		if reason, ok := rejected.Reason(rejected.Service, key); ok {
			msg = "not supported by khepri: " + reason
		}
		c.unsupported(path+"."+key, msg, svc[key])
		out = append(out, nw.Attr{Comments: c.comments(path + "." + key)})
	}
	return out
}

// namesOrAttrs writes entries the way compose's short form reads: a list of names when
// none has a setting (or a comment), and the attribute set otherwise.
func namesOrAttrs(attrs nw.Attrs) nw.Value {
	names := nw.List{}
	for _, a := range attrs {
		if settings, _ := a.Value.(nw.Attrs); len(settings) > 0 || len(a.Comments) > 0 {
			return attrs
		}
		names = append(names, nw.String(a.Name))
	}
	return names
}

// scalarAttrs writes a mapping of compose scalars sorted by name; integers and booleans
// stay what they were, since khepri turns them into strings as compose does.
func scalarAttrs(m map[string]any) nw.Attrs {
	out := nw.Attrs{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
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
