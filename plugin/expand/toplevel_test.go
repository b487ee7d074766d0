package expand

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/proto/khepri/rejected"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// TestRejectKeysGiveTheReason sets each rejected top-level key, a free-form field of
// Composition (a list or a mapping of any values), and expects one error at its option
// that gives the shared reason.
func TestRejectKeysGiveTheReason(t *testing.T) {
	keys := rejected.Keys(rejected.Composition)
	require.NotEmpty(t, keys)
	for _, key := range keys {
		t.Run(key, func(t *testing.T) {
			comp := &khepriv1.Composition{}
			m := comp.ProtoReflect()
			fd := m.Descriptor().Fields().ByName(protoreflect.Name(key))
			require.NotNil(t, fd, "Composition has no field %s", key)
			value := protoreflect.ValueOfMessage(structpb.NewStringValue("x").ProtoReflect())
			switch {
			case fd.IsList():
				m.Mutable(fd).List().Append(value)
			case fd.IsMap():
				m.Mutable(fd).Map().Set(protoreflect.ValueOfString("x").MapKey(), value)
			default:
				t.Fatalf("%s is neither a list nor a mapping", key)
			}

			var d diag.Collector
			rejectKeys(comp, "c", &d)
			got := d.Sorted()
			require.Len(t, got, 1)
			why, _ := rejected.Reason(rejected.Composition, key)
			assert.Equal(t, "c."+fd.JSONName(), got[0].GetPath())
			assert.Equal(t, "compose's "+key+" is not supported: "+why, got[0].GetMessage())
		})
	}
}
