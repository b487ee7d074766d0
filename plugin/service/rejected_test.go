package service

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/khepri-nix/khepri/plugin/diag"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// Every rejected key must be a field of Service, or setting it would pass unnoticed.
func TestRejectedKeysAreServiceFields(t *testing.T) {
	fields := (&khepriv1.Service{}).ProtoReflect().Descriptor().Fields()
	for _, k := range rejected {
		assert.NotNil(t, fields.ByName(k.field), "Service has no field %s", k.field)
	}
}

func TestRejectKeys(t *testing.T) {
	var d diag.Collector
	rejectKeys(&khepriv1.Service{Develop: structpb.NewStringValue("."), Extends: structpb.NewNullValue()}, "s", &d)
	got := d.Sorted()
	require.Len(t, got, 1, "null is unset")
	assert.Equal(t, "s.develop", got[0].GetPath())
	assert.Contains(t, got[0].GetMessage(), "compose watch")
}
