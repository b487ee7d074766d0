// Package diag collects diagnostics about an expansion request: each one carries the
// NixOS option path it is about, so that the user reads it as an assertion on their
// own configuration.
package diag

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// Path is a NixOS option path such as `khepri.compositions.paperless.services.web`.
type Path string

// nixIdent matches attribute names Nix prints without quotes.
var nixIdent = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_'-]*$`)

// Field appends an option name, which is always a plain identifier.
func (p Path) Field(name string) Path {
	return Path(string(p) + "." + name)
}

// Key appends an attribute name that is data (a composition, service or network
// name), quoted the way Nix prints it when it is not a plain identifier, so that
// `services."my.app"` reads back as one attribute.
func (p Path) Key(key string) Path {
	if nixIdent.MatchString(key) {
		return Path(string(p) + "." + key)
	}
	return Path(string(p) + "." + strconv.Quote(key))
}

// Index appends a list index.
func (p Path) Index(i int) Path {
	return Path(string(p) + "[" + strconv.Itoa(i) + "]")
}

// String returns the path as the user writes it.
func (p Path) String() string { return string(p) }

// Collector gathers diagnostics. The zero value is ready to use.
type Collector struct {
	list []*khepriv1.Diagnostic
}

// Errorf records an error: the composition cannot run as written.
func (c *Collector) Errorf(path Path, format string, args ...any) {
	c.add(khepriv1.Severity_SEVERITY_ERROR, path, fmt.Sprintf(format, args...))
}

// Warnf records a warning: it runs, but not quite as compose would run it.
func (c *Collector) Warnf(path Path, format string, args ...any) {
	c.add(khepriv1.Severity_SEVERITY_WARNING, path, fmt.Sprintf(format, args...))
}

func (c *Collector) add(sev khepriv1.Severity, path Path, msg string) {
	c.list = append(c.list, &khepriv1.Diagnostic{Severity: sev, Path: string(path), Message: msg})
}

// HasErrors reports whether any error was recorded.
func (c *Collector) HasErrors() bool {
	return slices.ContainsFunc(c.list, func(d *khepriv1.Diagnostic) bool {
		return d.GetSeverity() == khepriv1.Severity_SEVERITY_ERROR
	})
}

// Sorted returns the diagnostics errors first, then by path, then by message, without
// duplicates, so that the response is byte-stable whatever the order of discovery.
func (c *Collector) Sorted() []*khepriv1.Diagnostic {
	out := slices.Clone(c.list)
	slices.SortFunc(out, compare)
	return slices.CompactFunc(out, func(a, b *khepriv1.Diagnostic) bool { return compare(a, b) == 0 })
}

func compare(a, b *khepriv1.Diagnostic) int {
	if r := rank(a.GetSeverity()) - rank(b.GetSeverity()); r != 0 {
		return r
	}
	if r := comparePaths(a.GetPath(), b.GetPath()); r != 0 {
		return r
	}
	return strings.Compare(a.GetMessage(), b.GetMessage())
}

// rank orders errors before warnings, and anything unexpected last.
func rank(s khepriv1.Severity) int {
	switch s {
	case khepriv1.Severity_SEVERITY_ERROR:
		return 0
	case khepriv1.Severity_SEVERITY_WARNING:
		return 1
	default:
		return 2
	}
}

// comparePaths orders paths with their runs of digits compared as numbers, so that
// ports[2] comes before ports[10].
func comparePaths(a, b string) int {
	for a != "" && b != "" {
		da, db := digitPrefix(a), digitPrefix(b)
		if da != "" && db != "" {
			na, nb := strings.TrimLeft(da, "0"), strings.TrimLeft(db, "0")
			if r := cmp.Compare(len(na), len(nb)); r != 0 {
				return r
			}
			if r := strings.Compare(na, nb); r != 0 {
				return r
			}
			if r := strings.Compare(da, db); r != 0 {
				return r
			}
			a, b = a[len(da):], b[len(db):]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digitPrefix(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}
