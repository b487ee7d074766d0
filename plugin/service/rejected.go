package service

import (
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/proto/khepri/rejected"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// rejectKeys reports an error for every rejected key that is set, with the reason
// proto/khepri/rejected gives. Each is a free-form field of Service, so that the Nix
// option exists and its use is explained rather than refused as unknown.
func rejectKeys(svc *khepriv1.Service, path diag.Path, d *diag.Collector) {
	m := svc.ProtoReflect()
	fields := m.Descriptor().Fields()
	for _, key := range rejected.Keys(rejected.Service) {
		fd := fields.ByName(protoreflect.Name(key))
		if fd == nil || !m.Has(fd) {
			continue
		}
		v, _ := m.Get(fd).Message().Interface().(*structpb.Value)
		if !isSet(v) {
			continue
		}
		why, _ := rejected.Reason(rejected.Service, key)
		d.Errorf(path.Field(fd.JSONName()), "compose's %s is not supported: %s", key, why)
	}
}
