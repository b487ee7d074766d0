package service

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/khepri-nix/khepri/plugin/diag"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
)

// decodeLong reads one long-syntax object into m. The Nix options already reject unknown
// keys; a request written by hand gets the same check here, with the allowed keys.
func decodeLong(st *structpb.Struct, m proto.Message) error {
	fields := m.ProtoReflect().Descriptor().Fields()
	for _, k := range slices.Sorted(maps.Keys(st.GetFields())) {
		if fields.ByJSONName(k) == nil {
			var allowed []string
			for i := range fields.Len() {
				allowed = append(allowed, fields.Get(i).JSONName())
			}
			return fmt.Errorf("unknown key %q; allowed: %s", k, strings.Join(allowed, ", "))
		}
	}
	b, err := protojson.Marshal(st)
	if err != nil {
		return err
	}
	if err := protojson.Unmarshal(b, m); err != nil {
		return fmt.Errorf("%s", strings.TrimPrefix(err.Error(), "proto: "))
	}
	return nil
}

// shortOrLong is one entry of a list that takes compose's short syntax (a string, or a
// number for ports) or its long syntax (an object).
func shortOrLong(v *structpb.Value) (short string, long *structpb.Struct, err error) {
	switch k := v.GetKind().(type) {
	case *structpb.Value_StringValue:
		return k.StringValue, nil, nil
	case *structpb.Value_NumberValue:
		if k.NumberValue == float64(int64(k.NumberValue)) {
			return strconv.FormatInt(int64(k.NumberValue), 10), nil, nil
		}
	case *structpb.Value_StructValue:
		return "", k.StructValue, nil
	}
	return "", nil, fmt.Errorf("expected a string in short syntax or an attribute set in long syntax")
}

// listEntry reads entry v of a list in compose's short or long syntax, reporting a
// malformed one as an invalid what: it returns the short form, or decodes the long one
// into long and says so.
func (r *run) listEntry(v *structpb.Value, p diag.Path, what string, long proto.Message) (short string, isLong, ok bool) {
	short, st, err := shortOrLong(v)
	if err == nil && st != nil {
		err = decodeLong(st, long)
	}
	if err != nil {
		r.d.Errorf(p, "invalid %s: %v", what, err)
		return "", false, false
	}
	return short, st != nil, true
}

// octalMode parses a file mode written in octal digits (`1777`, `0440`), as compose
// writes it; Nix has no octal literals, so an integer's decimal digits are read as octal.
func octalMode(s string) (uint32, error) {
	if s == "" || strings.TrimLeft(s, "01234567") != "" || len(s) > 5 {
		return 0, fmt.Errorf("mode %q is not an octal file mode such as 0440 or 1777", s)
	}
	n, err := strconv.ParseUint(s, 8, 32)
	if err != nil || n > 0o7777 {
		return 0, fmt.Errorf("mode %q is not an octal file mode such as 0440 or 1777", s)
	}
	return uint32(n), nil
}

// csvField quotes one field of a comma-separated flag value (--mount, docker's
// --network) as encoding/csv, which both engines parse these values with, reads it: a
// field with a comma, a quote or a line break is quoted, with quotes doubled.
func csvField(s string) string {
	if !strings.ContainsAny(s, ",\"\r\n") {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
