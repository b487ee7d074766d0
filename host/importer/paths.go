package importer

import (
	"path/filepath"
	"regexp"
	"strings"

	nw "github.com/khepri-nix/khepri/host/importer/nixwriter"
)

// hostPath writes an absolute host path: as a string, or with --relative as the path
// of the file beside the Nix file, `toString ./app.env`. toString gives the absolute path
// without copying the file into the store, which "${./app.env}" would do to a secret.
func (c *converter) hostPath(abs string) nw.Value {
	if !c.relativizable(abs) {
		return nw.String(abs)
	}
	return nw.Expr("toString " + c.nixPath(abs))
}

var nixPathLiteral = regexp.MustCompile(`^\./[a-zA-Z0-9._+-]+(/[a-zA-Z0-9._+-]+)*$`)

// relativizable reports whether --relative writes abs as a Nix path: only paths under
// the Nix file's directory, the files kept beside it; /srv/backups stays absolute.
func (c *converter) relativizable(abs string) bool {
	if !c.relative || !filepath.IsAbs(abs) {
		return false
	}
	rel, err := filepath.Rel(c.relBase, abs)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

// nixPath is a Nix path expression for abs relative to the Nix file's directory.
func (c *converter) nixPath(abs string) string {
	rel, err := filepath.Rel(c.relBase, abs)
	if err != nil {
		q, _ := nw.Quote(abs)
		return q
	}
	if rel == "." {
		return "./."
	}
	lit := "./" + rel
	if nixPathLiteral.MatchString(lit) {
		return lit
	}
	// A name a Nix path literal cannot spell (a space, say) is appended as a string.
	q, err := nw.Quote("/" + rel)
	if err != nil {
		return "./."
	}
	return "(./. + " + q + ")"
}
