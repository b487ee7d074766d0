// Package envfile reads a container's env files as compose reads them and writes the
// variables in the literal form of docker's and podman's --env-file: `khepri env-file`,
// which a container's unit runs before every start. The engines take each line of an
// env file literally, quotes and comments included, where compose parses it (quotes,
// `# comments`, `KEY = value`, multi-line values, `${VAR}`); the written file holds what
// compose would have passed.
package envfile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/compose-spec/compose-go/v2/template"
)

// Source is one entry of a service's env_file.
type Source struct {
	Path string
	// Optional skips a missing file (compose's `required: false`).
	Optional bool
	// Raw takes the lines literally (compose's `format: raw`).
	Raw bool
}

// Load reads the sources in order, as compose does when it starts a service: a later
// file overrides an earlier one, and `${VAR}` resolves against env (the service's
// environment, which compose reads before the env files), then against the variables
// the files have set so far. Compose's own environment (its shell and the project's
// .env) does not exist when a unit starts a container, so it is not read: an unset
// variable is empty, `${VAR:-default}` gives the default. The values are checked to be
// ones the engine's literal form can pass.
func Load(sources []Source, env map[string]string) (map[string]string, error) {
	lookup := func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}
	vars := map[string]string{}
	for _, src := range sources {
		before := maps.Clone(vars)
		if err := read(src, vars, lookup); err != nil {
			return nil, err
		}
		for _, k := range slices.Sorted(maps.Keys(vars)) {
			if v, ok := before[k]; ok && v == vars[k] {
				continue
			}
			if err := literal(k, vars[k]); err != nil {
				return nil, fmt.Errorf("env file %s: %w", src.Path, err)
			}
		}
	}
	return vars, nil
}

func read(src Source, vars map[string]string, lookup dotenv.LookupFn) error {
	f, err := os.Open(src.Path)
	if errors.Is(err, fs.ErrNotExist) {
		if src.Optional {
			return nil
		}
		return fmt.Errorf("env file %s is missing: create it, or set required = false on its envFile entry to start without it", src.Path)
	}
	if err != nil {
		return fmt.Errorf("env file %s: %w", src.Path, err)
	}
	defer f.Close()
	if src.Raw {
		err = parseRaw(f, vars, lookup)
	} else if err = dotenv.ParseWithFormat(f, src.Path, vars, lookup, ""); err != nil {
		// dotenv names the file itself ("failed to read <path>: ..."): keep the cause.
		if inner := errors.Unwrap(err); inner != nil {
			err = inner
		}
	}
	if err != nil {
		return fmt.Errorf("env file %s: %s", src.Path, redact(err))
	}
	return nil
}

// The dotenv parser quotes the offending line in some messages, and a line holds a
// value, often a secret; the message goes to the journal, which more than root reads.
var (
	quotedName  = regexp.MustCompile(`^(line \d+: unexpected character ".*?") in variable name .*$`)
	quotedValue = regexp.MustCompile(`^(line \d+: unterminated quoted value) .*$`)
)

func redact(err error) string {
	var tmpl *template.InvalidTemplateError
	if errors.As(err, &tmpl) {
		return "a value has an invalid ${...} interpolation (write $$ for a literal $)"
	}
	msg := err.Error()
	msg = quotedName.ReplaceAllString(msg, "$1 in a variable name")
	return quotedValue.ReplaceAllString(msg, "$1")
}

// maxLine is the longest line the engines read from an env file: both scan lines with
// bufio.Scanner's default buffer, 64 KiB with the line break.
const maxLine = 64*1024 - 1

// literal checks that the engines read KEY=VALUE back as this key and value: their
// --env-file takes a file line by line, drops a carriage return at the end of a line,
// trims whitespace before the key and skips lines starting with '#'.
func literal(key, value string) error {
	switch {
	case key == "":
		return errors.New("a variable has no name")
	case strings.ContainsAny(key, " \t\x00") || !utf8.ValidString(key) || key[0] == '#':
		return errors.New("a variable name has whitespace, a NUL byte, a leading # or invalid UTF-8, which the engine's --env-file cannot pass")
	case strings.Contains(value, "\n"):
		return fmt.Errorf("the value of %s has a line break, which the engine's --env-file cannot pass; pass it another way (a secret, or a file mounted into the container)", key)
	case strings.HasSuffix(value, "\r"):
		return fmt.Errorf("the value of %s ends with a carriage return, which the engine's --env-file drops", key)
	case strings.Contains(value, "\x00"):
		return fmt.Errorf("the value of %s has a NUL byte, which no environment variable can hold", key)
	case !utf8.ValidString(value):
		return fmt.Errorf("the value of %s is not valid UTF-8, which docker's --env-file refuses", key)
	case len(key)+1+len(value) > maxLine:
		return fmt.Errorf("the value of %s is longer than the 64 KiB line the engine's --env-file reads", key)
	}
	return nil
}

// Render is vars in the engines' literal form: one KEY=VALUE a line, sorted by key.
// Every variable has a value: a bare KEY line would make the engine look the variable up
// in its own environment.
func Render(vars map[string]string) []byte {
	var b bytes.Buffer
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		b.WriteString(k + "=" + vars[k] + "\n")
	}
	return b.Bytes()
}

// Write writes vars in the literal form to path, readable by its owner only, through a
// temporary file and a rename: the engine never reads a partial file.
func Write(path string, vars map[string]string) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
			err = fmt.Errorf("write %s: %w", path, err)
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return err
	}
	if _, err := tmp.Write(Render(vars)); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
