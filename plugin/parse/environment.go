package parse

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/types/known/structpb"
)

// Environment reads compose's `environment`: an object, or a list of `KEY=value`
// strings in which the last of a repeated KEY wins, as in compose. A variable without a
// value (null, or a bare `KEY` in the list) takes it from the shell running compose; it
// is returned in unset, sorted, for the caller to report.
func Environment(v *structpb.Value) (vars map[string]string, unset []string, err error) {
	vals := map[string]*string{}
	switch k := v.GetKind().(type) {
	case nil, *structpb.Value_NullValue:
	case *structpb.Value_ListValue:
		for i, e := range k.ListValue.GetValues() {
			s, ok := e.GetKind().(*structpb.Value_StringValue)
			if !ok {
				return nil, nil, fmt.Errorf("element %d is not a string; use KEY=value strings or an attribute set", i)
			}
			key, val, found := strings.Cut(s.StringValue, "=")
			if !found {
				vals[key] = nil
				continue
			}
			vals[key] = &val
		}
	case *structpb.Value_StructValue:
		for key, e := range k.StructValue.GetFields() {
			switch ek := e.GetKind().(type) {
			case nil, *structpb.Value_NullValue:
				vals[key] = nil
			case *structpb.Value_BoolValue:
				s := strconv.FormatBool(ek.BoolValue)
				vals[key] = &s
			default:
				s, _, err := Scalar(e)
				if err != nil {
					return nil, nil, fmt.Errorf("value of %q %v", key, err)
				}
				vals[key] = &s
			}
		}
	default:
		return nil, nil, fmt.Errorf("must be a list of KEY=value strings or an attribute set, not %s", kindName(v))
	}
	vars = map[string]string{}
	for key, val := range vals {
		if val == nil {
			unset = append(unset, key)
		} else {
			vars[key] = *val
		}
	}
	slices.Sort(unset)
	return vars, unset, nil
}
