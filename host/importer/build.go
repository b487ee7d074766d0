package importer

import (
	"maps"
	"path/filepath"
	"regexp"
	"slices"

	nw "github.com/khepri-nix/khepri/host/importer/nixwriter"
	"github.com/khepri-nix/khepri/proto/khepri/rejected"
)

// buildFields are compose's build keys, in the order nixlib/options/service-build.nix
// declares them, and those khepri refuses.
var buildFields = append([]field{
	{"context", "context", (*converter).buildContext},
	{"dockerfile", "dockerfile", (*converter).dockerfile},
	{"dockerfile_inline", "dockerfileInline", (*converter).str},
	{"args", "args", (*converter).environment},
	{"target", "target", (*converter).str},
	{"labels", "labels", (*converter).labels},
	{"network", "network", (*converter).str},
	{"extra_hosts", "extraHosts", (*converter).extraHosts},
	{"shm_size", "shmSize", (*converter).intOrString},
	{"ulimits", "ulimits", (*converter).ulimits},
	{"no_cache", "noCache", (*converter).boolean},
	{"pull", "pull", (*converter).boolean},
	{"tags", "tags", (*converter).strList},
	{"platforms", "platforms", (*converter).strList},
	{"privileged", "privileged", (*converter).boolean},
	{"secrets", "secrets", (*converter).secretUses},
	{"ssh", "ssh", (*converter).sshKeys},
	{"cache_from", "cacheFrom", (*converter).strList},
	{"cache_to", "cacheTo", (*converter).strList},
	{"additional_contexts", "additionalContexts", (*converter).buildContexts},
}, refusedFields(rejected.Build)...)

// build writes compose's build: the context alone when that is all it says, as people
// write it.
func (c *converter) build(path string, v any) nw.Value {
	w := c.object(path, v, buildFields)
	if attrs, ok := w.(nw.Attrs); ok && len(attrs) == 1 && attrs[0].Name == "context" {
		return attrs[0].Value
	}
	return w
}

// dockerfile leaves out compose-go's default, Dockerfile, which is khepri's too.
func (c *converter) dockerfile(path string, v any) nw.Value {
	if s, ok := v.(string); ok && s == "Dockerfile" {
		return nil
	}
	return c.str(path, v)
}

// buildContext writes a context directory as a Nix path, which Nix copies to the store
// (without what its .dockerignore ignores): beside the Nix file with --relative, absolute
// otherwise. compose-go has made it absolute. A remote context is refused: the engine
// would fetch whatever it holds when the unit runs.
func (c *converter) buildContext(path string, v any) nw.Value {
	s, ok := v.(string)
	if !ok {
		c.invalid(path, v, "a path")
		return nil
	}
	if !filepath.IsAbs(s) {
		c.refuse(path, "context "+s+" is fetched by the engine when the unit runs, whatever it holds then: fetch it with Nix at a pinned revision (builtins.fetchGit { url = …; rev = …; }) and set context to that")
		return nil
	}
	if c.relativizable(s) {
		return nw.Expr(c.nixPath(s))
	}
	return nw.Expr(absNixPath(s))
}

// sshKeys writes compose-go's mapping of ssh ids to paths as compose's `id=path` list;
// an id without a path (compose's agent) stays bare, for khepri to explain.
func (c *converter) sshKeys(path string, v any) nw.Value {
	m, ok := v.(map[string]any)
	if !ok {
		return c.strList(path, v)
	}
	var out nw.List
	for _, id := range slices.Sorted(maps.Keys(m)) {
		p, _ := m[id].(string)
		if p == "" {
			out = append(out, nw.String(id))
		} else {
			out = append(out, nw.String(id+"="+p))
		}
	}
	return out
}

// buildContexts writes additional contexts as the context is written.
func (c *converter) buildContexts(path string, v any) nw.Value {
	m, ok := v.(map[string]any)
	if !ok {
		c.invalid(path, v, "a mapping")
		return nil
	}
	out := nw.Attrs{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if w := c.buildContext(path+"."+k, m[k]); w != nil {
			out = append(out, nw.Attr{Name: k, Value: w})
		}
	}
	return out
}

var absPathLiteral = regexp.MustCompile(`^(/[a-zA-Z0-9._+-]+)+$`)

// absNixPath is a Nix path expression for an absolute path: the literal where Nix can
// spell it, `/. + "/…"` otherwise.
func absNixPath(abs string) string {
	if absPathLiteral.MatchString(abs) {
		return abs
	}
	q, err := nw.Quote(abs)
	if err != nil {
		return "/."
	}
	return "(/. + " + q + ")"
}
