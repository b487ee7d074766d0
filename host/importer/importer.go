// Package importer turns a docker-compose project into a khepri composition written as
// Nix: `khepri import`. It loads the project with compose-go, as `docker compose` does
// (several files merged, include, extends, anchors, .env and --env-file, interpolation,
// profiles, the project name), then writes the keys khepri supports in its option
// vocabulary and reports every other key, so that nothing is dropped unnoticed.
package importer

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/khepri-nix/khepri/host/importer/nixwriter"
)

// Options are the inputs of Import; the zero value reads compose.yaml (or its other
// default names) from the current directory.
type Options struct {
	// Files are the compose files, merged in order (docker compose's -f); none means the
	// default names in the current directory or its parents.
	Files []string
	// ProjectDir is the project directory (docker compose's --project-directory); empty
	// means the directory of the first file.
	ProjectDir string
	// Name is the project name; empty means `name:` from the files, or the directory.
	Name string
	// EnvFiles replace the project's .env for interpolation (docker compose's --env-file).
	EnvFiles []string
	// Profiles are the active profiles; services of other profiles are left out.
	Profiles []string
	// Env is the environment interpolation reads, as `KEY=value` entries (os.Environ()
	// for the command; tests pass their own so that the host does not leak in).
	Env []string

	// Expr writes the bare composition attribute set instead of a NixOS module.
	Expr bool
	// Relative writes host paths under RelativeTo as Nix paths relative to it.
	Relative bool
	// RelativeTo is the directory of the Nix file being written; empty means the
	// project directory.
	RelativeTo string
	// AllowUnsupported writes unsupported keys as comments instead of failing.
	AllowUnsupported bool
}

// Finding is a compose key that khepri cannot express, with where it was written.
type Finding struct {
	// File is the compose file that sets the key, relative to the project directory
	// when inside it; Line is 0 when the key could not be located.
	File string
	Line int
	// Path is the compose path: services.web.healthcheck, services.web.ports[0].mode.
	Path string
	// Message says what is not supported.
	Message string
	// Value is the compose value as compact JSON, kept in the comment that
	// --allow-unsupported writes.
	Value string
}

// String renders the finding as one line: `file:line: path: message`.
func (f Finding) String() string {
	loc := f.File
	if f.Line > 0 {
		loc = fmt.Sprintf("%s:%d", f.File, f.Line)
	}
	if loc == "" {
		return f.Path + ": " + f.Message
	}
	return loc + ": " + f.Path + ": " + f.Message
}

// UnsupportedError is returned when the project uses keys khepri does not support and
// Options.AllowUnsupported is off.
type UnsupportedError struct {
	Findings []Finding
}

func (e *UnsupportedError) Error() string {
	lines := make([]string, 0, len(e.Findings)+1)
	for _, f := range e.Findings {
		lines = append(lines, f.String())
	}
	lines = append(lines, fmt.Sprintf("%d key(s) not supported by khepri: give --allow-unsupported to write them as comments instead", len(e.Findings)))
	return strings.Join(lines, "\n")
}

// RefusedError is returned when the project has mistakes that docker compose refuses
// too (an invalid image reference or log driver, a missing required env file);
// AllowUnsupported does not write them.
type RefusedError struct {
	Findings []Finding
}

func (e *RefusedError) Error() string {
	lines := make([]string, len(e.Findings))
	for i, f := range e.Findings {
		lines[i] = f.String()
	}
	return strings.Join(lines, "\n")
}

// Result is an import's output.
type Result struct {
	// Name is the composition's name: the compose project name.
	Name string
	// Nix is the Nix source, ending in a newline.
	Nix []byte
	// Findings are the unsupported keys, written as comments in Nix.
	Findings []Finding
	// Warnings are compose-go's warnings (a variable that is not set), each once, one
	// line each.
	Warnings []string
}

// Import loads a compose project and writes it as a khepri composition. When ctx is
// done first (Ctrl-C), Import returns the context's cause at once and leaves the load
// behind: compose-go's reads (an included FIFO) cannot be interrupted.
func Import(ctx context.Context, opts Options) (*Result, error) {
	type result struct {
		res *Result
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := importProject(ctx, opts)
		done <- result{res, err}
	}()
	select {
	case r := <-done:
		return r.res, r.err
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

func importProject(ctx context.Context, opts Options) (res *Result, err error) {
	// compose-go is a large third-party parser: a panic in it on some input must still
	// end as an error, since the command promises never to crash.
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("internal error while loading the compose project: %v", r)
		}
	}()
	log := captureWarnings()
	defer log.stop()
	p, err := load(ctx, opts)
	warnings := log.stop()
	if err != nil {
		return nil, shortenLoadError(err)
	}
	relBase := opts.RelativeTo
	if relBase == "" {
		relBase = p.dir
	}
	if opts.Relative {
		if relBase, err = filepath.Abs(relBase); err != nil {
			return nil, err
		}
	}
	c := &converter{project: p, relative: opts.Relative, relBase: relBase}
	composition := c.composition()
	for _, list := range [][]Finding{c.findings, c.refusals} {
		for i := range list {
			list[i].File, list[i].Line = p.locate(list[i].Path)
		}
		sort.SliceStable(list, func(i, j int) bool { return list[i].Path < list[j].Path })
	}
	if c.err != nil {
		return nil, c.err
	}
	if len(c.refusals) > 0 {
		return nil, &RefusedError{Findings: c.refusals}
	}
	if len(c.findings) > 0 && !opts.AllowUnsupported {
		return nil, &UnsupportedError{Findings: c.findings}
	}

	var out []byte
	if opts.Expr {
		out, err = nixwriter.Format(composition)
	} else {
		module := nixwriter.Attrs{{
			Name: "khepri",
			Value: nixwriter.Attrs{{
				Name:  "compositions",
				Value: nixwriter.Attrs{{Name: p.name, Value: composition}},
			}},
		}}
		out, err = nixwriter.Format(module)
		out = append([]byte("{ ... }:\n"), out...)
	}
	if err != nil {
		return nil, err
	}
	return &Result{Name: p.name, Nix: out, Findings: c.findings, Warnings: warnings}, nil
}
