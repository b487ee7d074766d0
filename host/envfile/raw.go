package envfile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/compose-spec/compose-go/v2/dotenv"
)

// parseRaw reads compose's `format: raw`: the docker compose CLI registers it with
// docker's own --env-file parser (github.com/docker/cli/pkg/kvfile), which this follows
// rather than pull in the docker CLI: lines are taken literally, after the whitespace
// that leads them; blank lines and lines starting with '#' are skipped; a line without
// '=' takes the variable from lookup, and is skipped when lookup has none.
func parseRaw(r io.Reader, vars map[string]string, lookup dotenv.LookupFn) error {
	s := bufio.NewScanner(r)
	for n := 1; s.Scan(); n++ {
		line := s.Bytes()
		if !utf8.Valid(line) {
			return fmt.Errorf("line %d: invalid UTF-8", n)
		}
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\uFEFF"))
		}
		text := strings.TrimLeftFunc(string(line), unicode.IsSpace)
		if text == "" || text[0] == '#' {
			continue
		}
		key, value, hasValue := strings.Cut(text, "=")
		switch {
		case key == "":
			return fmt.Errorf("line %d: no variable name", n)
		case strings.ContainsAny(key, " \t"):
			return fmt.Errorf("line %d: a variable name contains whitespace", n)
		case hasValue:
			vars[key] = value
		default:
			if v, ok := lookup(key); ok {
				vars[key] = v
			}
		}
	}
	if err := s.Err(); errors.Is(err, bufio.ErrTooLong) {
		return errors.New("a line is longer than 64 KiB")
	} else if err != nil {
		return err
	}
	return nil
}
