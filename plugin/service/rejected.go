package service

import (
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/proto/khepri/rejected"
)

// RejectKeys reports an error for every key of section that is set in m (a service,
// its deploy.resources.reservations, a composition, a secret or a config), with the
// reason proto/khepri/rejected gives. Most are free-form fields, so that the Nix option
// exists and its use is explained rather than refused as unknown; one set to null is
// unset. A refused key with no field (a secret's labels) has no option either, and only
// khepri import meets it.
func RejectKeys(m proto.Message, section rejected.Section, path diag.Path, d *diag.Collector) {
	r := m.ProtoReflect()
	fields := r.Descriptor().Fields()
	for _, key := range rejected.Keys(section) {
		fd := fields.ByName(protoreflect.Name(key))
		if fd == nil || !r.Has(fd) {
			continue
		}
		if fd.Kind() == protoreflect.MessageKind && !fd.IsList() && !fd.IsMap() {
			if v, ok := r.Get(fd).Message().Interface().(*structpb.Value); ok && !isSet(v) {
				continue
			}
		}
		why, _ := rejected.Reason(section, key)
		d.Errorf(path.Field(fd.JSONName()), "compose's %s is not supported: %s", key, why)
	}
}
