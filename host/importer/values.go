package importer

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	nw "github.com/khepri-nix/khepri/host/importer/nixwriter"
	"github.com/khepri-nix/khepri/proto/khepri/rejected"
)

// field maps one compose key of a mapping to its khepri option.
type field struct {
	compose string
	option  string
	convert func(c *converter, path string, v any) nw.Value
}

// object writes a compose mapping through its fields, in their order (the options'
// declaration order), and reports every other key but extensions. A null value is
// compose's "unset" and is left out.
func (c *converter) object(path string, v any, fields []field) nw.Value {
	m, ok := v.(map[string]any)
	if !ok {
		c.invalid(path, v, "a mapping")
		return nil
	}
	out := nw.Attrs{}
	known := map[string]bool{}
	for _, f := range fields {
		known[f.compose] = true
		val, ok := m[f.compose]
		if !ok || val == nil {
			continue
		}
		if w := f.convert(c, path+"."+f.compose, val); w != nil {
			out = append(out, nw.Attr{Name: f.option, Value: w})
		}
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !known[k] && !strings.HasPrefix(k, "x-") {
			c.unsupported(path+"."+k, notSupported, m[k])
		}
	}
	return out
}

// refusedFields are the keys of a section that khepri refuses (proto/khepri/rejected),
// as fields that write nothing and report the reason.
func refusedFields(s rejected.Section) []field {
	var out []field
	for _, key := range rejected.Keys(s) {
		why, _ := rejected.Reason(s, key)
		out = append(out, field{key, "", func(c *converter, path string, v any) nw.Value {
			c.unsupported(path, "not supported by khepri: "+why, v)
			return nil
		}})
	}
	return out
}

// list converts each element of a compose list with elem, at its [index] path, and
// leaves out those elem writes nothing for.
func (c *converter) list(path string, v any, elem func(path string, e any) nw.Value) nw.Value {
	l, ok := v.([]any)
	if !ok {
		c.invalid(path, v, "a list")
		return nil
	}
	out := nw.List{}
	for i, e := range l {
		if w := elem(fmt.Sprintf("%s[%d]", path, i), e); w != nil {
			out = append(out, w)
		}
	}
	return out
}

// oneOrList writes a list of one element as the element, the short form of options
// such as envFile.
func oneOrList(v nw.Value) nw.Value {
	if l, ok := v.(nw.List); ok && len(l) == 1 {
		return l[0]
	}
	return v
}

// objects is the converter of a list of mappings, for a field table.
func objects(fields []field) func(c *converter, path string, v any) nw.Value {
	return func(c *converter, path string, v any) nw.Value {
		return c.list(path, v, func(path string, e any) nw.Value { return c.object(path, e, fields) })
	}
}

// sub is the converter of a nested mapping, for a field table.
func sub(fields []field) func(c *converter, path string, v any) nw.Value {
	return func(c *converter, path string, v any) nw.Value { return c.object(path, v, fields) }
}

func (c *converter) boolean(path string, v any) nw.Value {
	b, ok := asBool(v)
	if !ok {
		c.invalid(path, v, "a boolean")
		return nil
	}
	return nw.Bool(b)
}

// integer writes a whole number; compose-go's model holds YAML integers as int, and
// sometimes int64 or uint64.
func (c *converter) integer(path string, v any) nw.Value {
	n, ok := asInt(v)
	if !ok {
		c.invalid(path, v, "an integer")
		return nil
	}
	return nw.Int(n)
}

func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int64:
		return n, true
	case uint32:
		return int64(n), true
	case uint64:
		if n <= math.MaxInt64 {
			return int64(n), true
		}
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
			return int64(n), true
		}
	}
	return 0, false
}

// intOrString keeps compose's form of a value that is a number or a string with a unit
// (byte sizes such as `512m`, microseconds), which khepri reads as compose does.
func (c *converter) intOrString(path string, v any) nw.Value {
	if s, ok := v.(string); ok {
		return nw.String(s)
	}
	return c.integer(path, v)
}

// number writes a number as a Nix number (`cpus = 1.5;`) or keeps a string.
func (c *converter) number(path string, v any) nw.Value {
	switch n := v.(type) {
	case string:
		return nw.String(n)
	case float64:
		if math.IsInf(n, 0) || math.IsNaN(n) {
			break
		}
		if i, ok := asInt(n); ok {
			return nw.Int(i)
		}
		// 'f' never writes an exponent, which a Nix float literal cannot have either.
		return nw.Atom(strconv.FormatFloat(n, 'f', -1, 64))
	}
	if _, ok := asInt(v); ok {
		return c.integer(path, v)
	}
	c.invalid(path, v, "a number")
	return nil
}

// strOrList keeps a string as a string and a list as a list, as compose allows for
// `command`, `entrypoint`, `dns`, `tmpfs` and the like (khepri splits a string command
// as compose does, and an empty list, which clears the entrypoint, stays).
func (c *converter) strOrList(path string, v any) nw.Value {
	if s, ok := v.(string); ok {
		return nw.String(s)
	}
	return c.strList(path, v)
}

// intOrStrList is a list of numbers or strings (`group_add`, `expose`), each kept as it
// was written.
func (c *converter) intOrStrList(path string, v any) nw.Value {
	return c.list(path, v, func(path string, e any) nw.Value {
		if n, ok := asInt(e); ok {
			return nw.Int(n)
		}
		s, ok := scalarString(e)
		if !ok {
			c.invalid(path, e, "a number or a string")
			return nil
		}
		return nw.String(s)
	})
}

// mapping keeps compose's list-or-mapping form (`sysctls`, `annotations`): a list of
// `key=value` strings stays a list, a mapping becomes an attribute set.
func (c *converter) mapping(path string, v any) nw.Value {
	switch m := v.(type) {
	case []any:
		return c.strList(path, m)
	case map[string]any:
		return scalarAttrs(nonNull(m))
	}
	c.invalid(path, v, "a mapping or a list")
	return nil
}

// stringAttrs is a mapping whose values khepri takes as strings only (`driver_opts`,
// `storage_opt`): numbers and booleans are written as the strings compose makes of them.
func (c *converter) stringAttrs(path string, v any) nw.Value {
	m, ok := v.(map[string]any)
	if !ok {
		c.invalid(path, v, "a mapping")
		return nil
	}
	out := nw.Attrs{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if m[k] == nil {
			continue
		}
		s, ok := scalarString(m[k])
		if !ok {
			c.invalid(path+"."+k, m[k], "a string")
			continue
		}
		out = append(out, nw.Attr{Name: k, Value: nw.String(s)})
	}
	return out
}

func nonNull(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if v != nil {
			out[k] = v
		}
	}
	return out
}

// raw writes a free-form compose value as it is, for the keys khepri takes as any value
// only to warn about them (deploy's swarm settings): mappings keep their key names.
func (c *converter) raw(path string, v any) nw.Value {
	switch x := v.(type) {
	case nil:
		return nw.Expr("null")
	case map[string]any:
		out := nw.Attrs{}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if w := c.raw(path+"."+k, x[k]); w != nil {
				out = append(out, nw.Attr{Name: k, Value: w})
			}
		}
		return out
	case []any:
		out := nw.List{}
		for i, e := range x {
			if w := c.raw(fmt.Sprintf("%s[%d]", path, i), e); w != nil {
				out = append(out, w)
			}
		}
		return out
	case string:
		return nw.String(x)
	}
	if b, ok := asBool(v); ok {
		return nw.Bool(b)
	}
	if _, ok := asInt(v); ok {
		return c.integer(path, v)
	}
	if _, ok := v.(float64); ok {
		return c.number(path, v)
	}
	c.invalid(path, v, "a compose value")
	return nil
}

// octalMode writes a file mode as the octal digits khepri reads. compose-go's model
// holds a YAML integer as its value (`0440` in YAML is 288, `440` is 440, as compose
// reads them) and a string as octal digits, which are kept.
func (c *converter) octalMode(path string, v any) nw.Value {
	if s, ok := v.(string); ok {
		return nw.String(s)
	}
	n, ok := asInt(v)
	if !ok || n < 0 {
		c.invalid(path, v, "a file mode")
		return nil
	}
	return nw.String("0" + strconv.FormatInt(n, 8))
}
