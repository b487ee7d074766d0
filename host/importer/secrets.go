package importer

import (
	"maps"
	"slices"
	"strings"

	nw "github.com/khepri-nix/khepri/host/importer/nixwriter"
	"github.com/khepri-nix/khepri/proto/khepri/rejected"
)

var fileUseFields = []field{
	{"source", "source", (*converter).str},
	{"target", "target", (*converter).str},
	{"uid", "uid", (*converter).intOrString},
	{"gid", "gid", (*converter).intOrString},
	{"mode", "mode", (*converter).octalMode},
}

func (c *converter) secretUses(path string, v any) nw.Value {
	return c.fileUses(path, v, "/run/secrets/")
}

func (c *converter) configUses(path string, v any) nw.Value {
	return c.fileUses(path, v, "/")
}

// fileUses writes a service's secrets or configs: the name alone when the entry says
// nothing else, as people write it. compose-go gives a secret's default target,
// /run/secrets/<source>, which is khepri's default too and is left out.
func (c *converter) fileUses(path string, v any, defaultDir string) nw.Value {
	return c.list(path, v, func(path string, e any) nw.Value {
		if s, ok := e.(string); ok {
			return nw.String(s)
		}
		m, ok := e.(map[string]any)
		if !ok {
			c.invalid(path, e, "a name or a mapping")
			return nil
		}
		source, _ := m["source"].(string)
		if t, ok := m["target"].(string); ok && t == defaultDir+source {
			m = without(m, "target")
		}
		if len(m) == 1 && source != "" {
			return nw.String(source)
		}
		return c.object(path, m, fileUseFields)
	})
}

func without(m map[string]any, key string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}

// fileObjectFields are the keys of top-level secrets or configs written as options
// (content: configs only); external is accepted only as false, its default, which is
// left out.
func fileObjectFields(section string) []field {
	file := func(c *converter, _ string, v any) nw.Value {
		s, _ := v.(string)
		return c.objectFile(section, s)
	}
	fields := []field{{"file", "file", file}, {"name", "name", (*converter).str}}
	if section == "configs" {
		fields = append(fields, field{"content", "content", (*converter).str})
	}
	return fields
}

// fileObjectSections are the sections of proto/khepri/rejected that hold the refused
// keys of top-level secrets and configs.
var fileObjectSections = map[string]rejected.Section{
	"secrets": rejected.Secret,
	"configs": rejected.Config,
}

// fileObjects writes top-level secrets or configs (see fileObjectFields); their refused
// keys are findings with the reason proto/khepri/rejected gives, and name only gives
// khepri's warning and is written.
func (c *converter) fileObjects(section string) nw.Value {
	model, ok := c.project.model[section].(map[string]any)
	if !ok || len(model) == 0 {
		return nil
	}
	fields := fileObjectFields(section)
	out := nw.Attrs{}
	for _, name := range slices.Sorted(maps.Keys(model)) {
		path := section + "." + name
		cfg, _ := model[name].(map[string]any)
		settings := nw.Attrs{}
		for _, key := range slices.Sorted(maps.Keys(cfg)) {
			v := cfg[key]
			i := slices.IndexFunc(fields, func(f field) bool { return f.compose == key })
			switch {
			case i >= 0:
				if w := fields[i].convert(c, path+"."+key, v); w != nil {
					settings = append(settings, nw.Attr{Name: fields[i].option, Value: w})
				}
			case key == "external" && !isTrue(v):
			case strings.HasPrefix(key, "x-"):
			default:
				msg := notSupported
				if why, ok := rejected.Reason(fileObjectSections[section], key); ok {
					msg = "not supported by khepri: " + why
				}
				c.unsupported(path+"."+key, msg, v)
			}
		}
		out = append(out, nw.Attr{Name: name, Value: settings, Comments: c.comments(path)})
	}
	return out
}

// objectFile writes a secret's or a config's file. A secret's stays a string (with
// --relative, `toString ./db.pw`), never a Nix path, which would copy it into the
// world-readable store; a config's becomes a Nix path with --relative, since khepri copies
// configs to the store and the composition then carries its files.
func (c *converter) objectFile(section, abs string) nw.Value {
	if section == "configs" && c.relativizable(abs) {
		return nw.Expr(c.nixPath(abs))
	}
	return c.hostPath(abs)
}
