package parse

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"google.golang.org/protobuf/types/known/structpb"
)

const bytesAllowed = "use a number of bytes or a compose byte size: a number with a unit b, k, m or g (kb, mb, gb; 1024-based), such as 512m or 1.5gb"

var byteUnits = map[string]float64{
	"": 1, "b": 1,
	"k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10,
	"m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20,
	"g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30,
	"t": 1 << 40, "tb": 1 << 40, "tib": 1 << 40,
}

// ParseBytes reads a compose byte size (`512m`, `1gb`, `1024k`, `2048`) as docker's
// RAMInBytes does, with 1024-based units, case-insensitive.
func ParseBytes(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := t, ""
	if i >= 0 {
		num, unit = t[:i], strings.TrimSpace(t[i:])
	}
	mult, ok := byteUnits[unit]
	if num == "" || !ok {
		return 0, fmt.Errorf("invalid byte size %q; %s", s, bytesAllowed)
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid byte size %q; %s", s, bytesAllowed)
	}
	b := f * mult
	if b >= math.MaxInt64/2 {
		return 0, fmt.Errorf("byte size %q is too large", s)
	}
	return int64(b), nil
}

// Bytes reads a byte size given as a number of bytes or a string. set is false for an
// unset or null value. A negative number is allowed only when negOK (-1: unlimited).
func Bytes(v *structpb.Value, negOK bool) (n int64, set bool, err error) {
	s, set, err := Scalar(v)
	if !set || err != nil {
		return 0, set, err
	}
	if negOK && s == "-1" {
		return -1, true, nil
	}
	n, err = ParseBytes(s)
	return n, true, err
}

// Scalar reads a value that compose allows as a number or a string, as a string;
// numbers are written without exponent or trailing zeros. set is false for an unset or
// null value.
func Scalar(v *structpb.Value) (s string, set bool, err error) {
	switch k := v.GetKind().(type) {
	case nil, *structpb.Value_NullValue:
		return "", false, nil
	case *structpb.Value_StringValue:
		return k.StringValue, true, nil
	case *structpb.Value_NumberValue:
		if math.IsNaN(k.NumberValue) || math.IsInf(k.NumberValue, 0) {
			return "", true, fmt.Errorf("must be a finite number")
		}
		return strconv.FormatFloat(k.NumberValue, 'f', -1, 64), true, nil
	default:
		return "", true, fmt.Errorf("must be a number or a string, not %s", kindName(v))
	}
}

// CPUs reads compose's `cpus`: a positive number of CPUs, as a number or a string.
func CPUs(v *structpb.Value) (s string, set bool, err error) {
	s, set, err = Scalar(v)
	if !set || err != nil {
		return "", set, err
	}
	f, perr := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if perr != nil || f <= 0 || math.IsInf(f, 0) {
		return "", true, fmt.Errorf("invalid number of CPUs %q; use a positive number such as 0.5 or 2", s)
	}
	return strconv.FormatFloat(f, 'f', -1, 64), true, nil
}

// Micros reads compose's `cpu_rt_period` / `cpu_rt_runtime`: microseconds as a number,
// or a compose duration.
func Micros(v *structpb.Value) (n int64, set bool, err error) {
	s, set, err := Scalar(v)
	if !set || err != nil {
		return 0, set, err
	}
	if _, isNum := v.GetKind().(*structpb.Value_NumberValue); isNum || strings.TrimLeft(s, "0123456789") == "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return 0, true, fmt.Errorf("invalid number of microseconds %q; use a whole number or a duration such as 950ms", s)
		}
		return n, true, nil
	}
	d, err := ParseDuration(s)
	if err != nil {
		return 0, true, err
	}
	return d.Microseconds(), true, nil
}

// Mapping reads compose's list-or-object form (`sysctls`, `annotations`): a list of
// `key=value` strings, or an object whose values are strings, numbers or booleans.
func Mapping(v *structpb.Value) (map[string]string, error) {
	out := map[string]string{}
	switch k := v.GetKind().(type) {
	case nil, *structpb.Value_NullValue:
		return out, nil
	case *structpb.Value_ListValue:
		for i, e := range k.ListValue.GetValues() {
			s, ok := e.GetKind().(*structpb.Value_StringValue)
			if !ok {
				return nil, fmt.Errorf("element %d is not a string; use key=value strings or an attribute set", i)
			}
			key, val, found := strings.Cut(s.StringValue, "=")
			if !found || key == "" {
				return nil, fmt.Errorf("element %d %q is not key=value", i, s.StringValue)
			}
			out[key] = val
		}
		return out, nil
	case *structpb.Value_StructValue:
		for key, e := range k.StructValue.GetFields() {
			switch ek := e.GetKind().(type) {
			case *structpb.Value_BoolValue:
				out[key] = strconv.FormatBool(ek.BoolValue)
			default:
				s, _, err := Scalar(e)
				if err != nil {
					return nil, fmt.Errorf("value of %q %v", key, err)
				}
				out[key] = s
			}
		}
		return out, nil
	default:
		return nil, fmt.Errorf("must be a list of key=value strings or an attribute set, not %s", kindName(v))
	}
}
