// Package canonjson is the canonical JSON encoding of khepri's messages: the plugin's
// golden files and the host's IFD output use it, so that the same response is the same
// bytes everywhere.
package canonjson

import (
	"bytes"
	"encoding/json"
	"fmt"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// Marshal encodes m as protojson (lowerCamelCase names, default values omitted, map
// keys sorted), indented by two spaces, with a trailing newline. protojson varies its
// whitespace on purpose to keep callers from depending on it, so its output is
// compacted and re-indented here.
func Marshal(m proto.Message) ([]byte, error) {
	raw, err := protojson.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("canonjson: %w", err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return nil, fmt.Errorf("canonjson: compact: %w", err)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, compact.Bytes(), "", "  "); err != nil {
		return nil, fmt.Errorf("canonjson: indent: %w", err)
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}
