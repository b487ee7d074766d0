package expand

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/service"
	"github.com/khepri-nix/khepri/proto/khepri/rejected"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// noField are the refused keys of secrets and configs that have no proto field and no
// Nix option: swarm's object labels and driver options, which khepri import alone meets.
var noField = map[string]bool{"labels": true, "driver_opts": true}

// TestRejectKeysGiveTheReason sets every rejected key of a composition (a free-form
// field: a list or a mapping of any values), a secret and a config (typed fields) at
// once, and expects an error at each key's option that gives the shared reason, and no
// other diagnostic.
func TestRejectKeysGiveTheReason(t *testing.T) {
	for _, tt := range []struct {
		section rejected.Section
		give    proto.Message
	}{
		{rejected.Composition, &khepriv1.Composition{}},
		{rejected.Secret, &khepriv1.Secret{}},
		{rejected.Config, &khepriv1.Config{}},
	} {
		t.Run(string(tt.section), func(t *testing.T) {
			keys := rejected.Keys(tt.section)
			require.NotEmpty(t, keys)
			m := tt.give.ProtoReflect()
			type diagnostic struct{ path, message string }
			var want []diagnostic
			for _, key := range keys {
				fd := m.Descriptor().Fields().ByName(protoreflect.Name(key))
				if tt.section != rejected.Composition && noField[key] {
					require.Nil(t, fd, "%s has a field: give it an option and drop it from noField", key)
					continue
				}
				require.NotNil(t, fd, "%s has no field %s", m.Descriptor().Name(), key)
				setAny(t, m, fd)
				why, _ := rejected.Reason(tt.section, key)
				want = append(want, diagnostic{"c." + fd.JSONName(), "compose's " + key + " is not supported: " + why})
			}

			var d diag.Collector
			service.RejectKeys(tt.give, tt.section, "c", &d)
			var got []diagnostic
			for _, g := range d.Sorted() {
				got = append(got, diagnostic{g.GetPath(), g.GetMessage()})
			}
			assert.ElementsMatch(t, want, got)
		})
	}
}

// setAny gives fd a value that is set: an element for a list or a mapping, true, or a
// string.
func setAny(t *testing.T, m protoreflect.Message, fd protoreflect.FieldDescriptor) {
	t.Helper()
	value := protoreflect.ValueOfMessage(structpb.NewStringValue("x").ProtoReflect())
	switch {
	case fd.IsList():
		m.Mutable(fd).List().Append(value)
	case fd.IsMap():
		m.Mutable(fd).Map().Set(protoreflect.ValueOfString("x").MapKey(), value)
	case fd.Kind() == protoreflect.BoolKind:
		m.Set(fd, protoreflect.ValueOfBool(true))
	case fd.Kind() == protoreflect.StringKind:
		m.Set(fd, protoreflect.ValueOfString("x"))
	default:
		t.Fatalf("%s is neither a list, a mapping, a bool nor a string", fd.Name())
	}
}

// TestSecretFileNotExternal checks that external = false, its default, and a file are no
// error.
func TestSecretFileNotExternal(t *testing.T) {
	var d diag.Collector
	service.RejectKeys(&khepriv1.Secret{File: "/run/secrets/x", External: false}, rejected.Secret, "c", &d)
	assert.Empty(t, d.Sorted())
}
