// Package nixwriter renders Nix values as text in nixfmt's style: two-space indent, one
// element per line in lists and attribute sets of more than one element, `[ ]` and `{ }`
// when empty. Strings are always written as "..." with exact escapes: indented strings
// need escapes of their own (for two single quotes and for ${) and gain nothing for
// single-line values.
package nixwriter

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Value is a Nix value the writer can render.
type Value interface{ isValue() }

// String is a Nix string.
type String string

// Int is a Nix integer.
type Int int64

// Bool is a Nix boolean.
type Bool bool

// List is a Nix list.
type List []Value

// Attrs is a Nix attribute set whose attributes are written in the order given.
type Attrs []Attr

// Expr is Nix source written as is: the caller owns its syntax (a path expression such
// as `toString ./app.env`). It is parenthesised when it stands as a list element.
type Expr string

// Atom is Nix source that needs no parentheses anywhere: a string literal with
// interpolations, a path. The caller owns its syntax.
type Atom string

// Attr is one attribute. Comments are written, one `#` line each, above it; an Attr with
// a nil Value is a comment block alone.
type Attr struct {
	Name     string
	Value    Value
	Comments []string
}

func (String) isValue() {}
func (Int) isValue()    {}
func (Bool) isValue()   {}
func (List) isValue()   {}
func (Attrs) isValue()  {}
func (Expr) isValue()   {}
func (Atom) isValue()   {}

// ErrNUL is returned for a string holding a NUL byte, which no Nix string can hold.
var ErrNUL = errors.New("a NUL byte cannot be written in a Nix string")

// Format renders v as a Nix expression followed by a newline.
func Format(v Value) ([]byte, error) {
	w := &writer{}
	if err := w.value(v, 0); err != nil {
		return nil, err
	}
	w.buf.WriteByte('\n')
	return w.buf.Bytes(), nil
}

// Quote renders s as a Nix "..." string. `\`, `"` and `${` are escaped, and newline,
// carriage return and tab are written as \n, \r and \t so that each value stays on one
// line; every other byte, non-ASCII UTF-8 included, stands for itself in a Nix string.
func Quote(s string) (string, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return "", ErrNUL
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '$':
			// Only "${" starts an interpolation; a lone '$' (and "$$") is literal.
			if i+1 < len(s) && s[i+1] == '{' {
				b.WriteByte('\\')
			}
			b.WriteByte('$')
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String(), nil
}

var identifier = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_'-]*$`)

// keywords cannot be bare attribute names ("or" can in Nix itself, but not in every
// position, so it is quoted too).
var keywords = map[string]bool{
	"if": true, "then": true, "else": true, "assert": true, "with": true, "let": true,
	"in": true, "rec": true, "inherit": true, "or": true,
}

// Name renders an attribute name: bare when it is a Nix identifier, quoted otherwise.
func Name(s string) (string, error) {
	if IsIdentifier(s) {
		return s, nil
	}
	return Quote(s)
}

// IsIdentifier reports whether s can be written as a bare attribute name.
func IsIdentifier(s string) bool { return identifier.MatchString(s) && !keywords[s] }

type writer struct{ buf bytes.Buffer }

func (w *writer) indent(n int) {
	for range n {
		w.buf.WriteString("  ")
	}
}

func (w *writer) value(v Value, depth int) error {
	switch v := v.(type) {
	case String:
		q, err := Quote(string(v))
		if err != nil {
			return err
		}
		w.buf.WriteString(q)
	case Int:
		w.buf.WriteString(strconv.FormatInt(int64(v), 10))
	case Bool:
		w.buf.WriteString(strconv.FormatBool(bool(v)))
	case Expr:
		w.buf.WriteString(string(v))
	case Atom:
		w.buf.WriteString(string(v))
	case List:
		return w.list(v, depth)
	case Attrs:
		return w.attrs(v, depth)
	case nil:
		return errors.New("nixwriter: nil value")
	default:
		return fmt.Errorf("nixwriter: unknown value %T", v)
	}
	return nil
}

func (w *writer) list(l List, depth int) error {
	switch {
	case len(l) == 0:
		w.buf.WriteString("[ ]")
		return nil
	case len(l) == 1 && (scalar(l[0]) || small(l[0])):
		w.buf.WriteString("[ ")
		if err := w.element(l[0], depth); err != nil {
			return err
		}
		w.buf.WriteString(" ]")
		return nil
	}
	w.buf.WriteString("[\n")
	for _, e := range l {
		w.indent(depth + 1)
		if err := w.element(e, depth+1); err != nil {
			return err
		}
		w.buf.WriteByte('\n')
	}
	w.indent(depth)
	w.buf.WriteByte(']')
	return nil
}

// element writes a list element; an expression is parenthesised, since a function
// application in a list would otherwise be two elements, and so is a negative number,
// since `[ -1 ]` does not parse.
func (w *writer) element(v Value, depth int) error {
	switch e := v.(type) {
	case Expr:
		w.buf.WriteString("(" + string(e) + ")")
		return nil
	case Int:
		if e < 0 {
			w.buf.WriteString("(" + strconv.FormatInt(int64(e), 10) + ")")
			return nil
		}
	case Attrs:
		if small(e) {
			return w.inline(e, depth)
		}
	}
	return w.value(v, depth)
}

func scalar(v Value) bool {
	switch v.(type) {
	case String, Int, Bool, Expr, Atom:
		return true
	}
	return false
}

// small reports whether v is an attribute set of one attribute whose (collapsed) value
// is a scalar, which nixfmt keeps on one line: `{ subnet = "10.0.0.0/24"; }`.
func small(v Value) bool {
	a, ok := v.(Attrs)
	if !ok || len(a) != 1 || len(a[0].Comments) > 0 || a[0].Value == nil {
		return false
	}
	_, inner := a[0].collapse()
	return scalar(inner)
}

// inline writes a small attribute set on one line.
func (w *writer) inline(a Attrs, depth int) error {
	path, v := a[0].collapse()
	names, err := dotted(path)
	if err != nil {
		return err
	}
	w.buf.WriteString("{ " + names + " = ")
	if err := w.value(v, depth); err != nil {
		return err
	}
	w.buf.WriteString("; }")
	return nil
}

func (w *writer) attrs(a Attrs, depth int) error {
	if len(a) == 0 {
		w.buf.WriteString("{ }")
		return nil
	}
	w.buf.WriteString("{\n")
	for _, attr := range a {
		if err := w.attr(attr, depth+1); err != nil {
			return err
		}
	}
	w.indent(depth)
	w.buf.WriteByte('}')
	return nil
}

func (w *writer) attr(a Attr, depth int) error {
	for _, c := range a.Comments {
		w.indent(depth)
		w.buf.WriteString(comment(c))
		w.buf.WriteByte('\n')
	}
	if a.Value == nil {
		return nil
	}
	path, v := a.collapse()
	names, err := dotted(path)
	if err != nil {
		return err
	}
	w.indent(depth)
	w.buf.WriteString(names + " = ")
	if err := w.value(v, depth); err != nil {
		return err
	}
	w.buf.WriteString(";\n")
	return nil
}

// collapse writes a chain of one-attribute sets as one dotted path
// (`proxy.external = true;`), as people write them, unless a comment would be lost.
func (a Attr) collapse() ([]string, Value) {
	path := []string{a.Name}
	v := a.Value
	for {
		inner, ok := v.(Attrs)
		if !ok || len(inner) != 1 || len(inner[0].Comments) > 0 || inner[0].Value == nil {
			return path, v
		}
		path = append(path, inner[0].Name)
		v = inner[0].Value
	}
}

// dotted renders a collapsed attribute path, `proxy.external`.
func dotted(path []string) (string, error) {
	names := make([]string, len(path))
	for i, p := range path {
		n, err := Name(p)
		if err != nil {
			return "", err
		}
		names[i] = n
	}
	return strings.Join(names, "."), nil
}

// comment renders one comment line; line breaks in it become spaces so that the
// comment cannot end early and leave the rest as Nix source.
func comment(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
	s = strings.ReplaceAll(s, "\x00", "")
	if s == "" {
		return "#"
	}
	return "# " + s
}
