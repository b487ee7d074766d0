package service

import (
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/proto/khepri/rejected"
)

// rejectKeys reports an error for every rejected key of section that is set in m (a
// service, or its deploy.resources.reservations), with the reason
// proto/khepri/rejected gives. Each is a free-form field, so that the Nix option exists
// and its use is explained rather than refused as unknown.
func rejectKeys(m proto.Message, section rejected.Section, path diag.Path, d *diag.Collector) {
	r := m.ProtoReflect()
	fields := r.Descriptor().Fields()
	for _, key := range rejected.Keys(section) {
		fd := fields.ByName(protoreflect.Name(key))
		if fd == nil || !r.Has(fd) {
			continue
		}
		v, _ := r.Get(fd).Message().Interface().(*structpb.Value)
		if !isSet(v) {
			continue
		}
		why, _ := rejected.Reason(section, key)
		d.Errorf(path.Field(fd.JSONName()), "compose's %s is not supported: %s", key, why)
	}
}
