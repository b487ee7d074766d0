package service

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/proto/khepri/rejected"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// TestRejectKeysGiveTheReason sets each rejected key of a service and of its
// reservations, a free-form field (or setting it would pass unnoticed), and expects one
// error at its option that gives the shared reason.
func TestRejectKeysGiveTheReason(t *testing.T) {
	for _, tt := range []struct {
		section rejected.Section
		message func() proto.Message
	}{
		{rejected.Service, func() proto.Message { return &khepriv1.Service{} }},
		{rejected.Reservations, func() proto.Message { return &khepriv1.ResourceReservations{} }},
	} {
		keys := rejected.Keys(tt.section)
		require.NotEmpty(t, keys)
		for _, key := range keys {
			t.Run(string(tt.section)+"/"+key, func(t *testing.T) {
				m := tt.message()
				fd := m.ProtoReflect().Descriptor().Fields().ByName(protoreflect.Name(key))
				require.NotNil(t, fd, "%s has no field %s", m.ProtoReflect().Descriptor().Name(), key)
				require.Equal(t, "google.protobuf.Value", string(fd.Message().FullName()), "%s must take any value", key)
				m.ProtoReflect().Set(fd, protoreflect.ValueOfMessage(structpb.NewStringValue("x").ProtoReflect()))

				var d diag.Collector
				RejectKeys(m, tt.section, "s", &d)
				got := d.Sorted()
				require.Len(t, got, 1)
				why, _ := rejected.Reason(tt.section, key)
				assert.Equal(t, "s."+fd.JSONName(), got[0].GetPath())
				assert.Equal(t, "compose's "+key+" is not supported: "+why, got[0].GetMessage())
			})
		}
	}
}

func TestRejectKeysIgnoreNull(t *testing.T) {
	var d diag.Collector
	RejectKeys(&khepriv1.Service{Develop: structpb.NewStringValue("."), Extends: structpb.NewNullValue()}, rejected.Service, "s", &d)
	got := d.Sorted()
	require.Len(t, got, 1, "null is unset")
	assert.Equal(t, "s.develop", got[0].GetPath())
}
