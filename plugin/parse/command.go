package parse

import (
	"fmt"

	"github.com/mattn/go-shellwords"
	"google.golang.org/protobuf/types/known/structpb"
)

// Args reads a compose `command` or `entrypoint`: a list of strings, or a string split
// into words like compose splits it (go-shellwords, as compose-go uses, with no variable
// or backtick expansion). A missing value or null is unset; set reports whether it was
// given. An empty list or an empty string is set and empty.
func Args(v *structpb.Value) (args []string, set bool, err error) {
	if v == nil {
		return nil, false, nil
	}
	switch k := v.GetKind().(type) {
	case nil, *structpb.Value_NullValue:
		return nil, false, nil
	case *structpb.Value_StringValue:
		p := shellwords.NewParser()
		words, err := p.Parse(k.StringValue)
		if err != nil {
			return nil, true, fmt.Errorf("cannot split %q into words: %v; use a list of strings", k.StringValue, err)
		}
		// go-shellwords stops at an unquoted ; & | < or > and drops the rest, and
		// compose-go keeps what came before. No shell runs the command, so say so
		// rather than run half of it.
		if p.Position >= 0 {
			return nil, true, fmt.Errorf("%q has a shell operator at offset %d, but no shell runs the command; quote it, or use a list such as [\"sh\" \"-c\" \"...\"]", k.StringValue, p.Position)
		}
		return words, true, nil
	case *structpb.Value_ListValue:
		vals := k.ListValue.GetValues()
		args = make([]string, 0, len(vals))
		for i, e := range vals {
			s, ok := e.GetKind().(*structpb.Value_StringValue)
			if !ok {
				return nil, true, fmt.Errorf("element %d is not a string; use a list of strings or a string", i)
			}
			args = append(args, s.StringValue)
		}
		return args, true, nil
	default:
		return nil, true, fmt.Errorf("must be a list of strings or a string, not %s", kindName(v))
	}
}

func kindName(v *structpb.Value) string {
	switch v.GetKind().(type) {
	case *structpb.Value_NumberValue:
		return "a number"
	case *structpb.Value_BoolValue:
		return "a boolean"
	case *structpb.Value_StructValue:
		return "an attribute set"
	default:
		return "this value"
	}
}
