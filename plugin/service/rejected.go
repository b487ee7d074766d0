package service

import (
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/khepri-nix/khepri/plugin/diag"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// rejected are the compose keys khepri never runs, by proto field name, with the reason
// and what to do instead. Each is a free-form field of Service, so that the Nix option
// exists and its use is explained here rather than refused as unknown.
var rejected = []struct {
	field protoreflect.Name
	why   string
}{
	{"develop", "compose watch is a development tool that syncs files into running containers; a NixOS system is rebuilt instead"},
	{"extends", "use Nix merging instead: `//`, lib.recursiveUpdate or a shared let binding (the compose importer resolves extends)"},
	{"provider", "service providers are run by Docker Desktop's compose, not by an engine"},
	{"models", "models need Docker Model Runner, which no engine run provides"},
	{"credential_spec", "credential specs configure Windows containers' gMSA accounts"},
	{"isolation", "isolation selects a Windows container technology"},
	{"cpu_count", "cpu_count is for Windows containers; use cpus"},
	{"cpu_percent", "cpu_percent is for Windows containers; use cpus"},
}

// rejectKeys reports an error for every rejected key that is set.
func rejectKeys(svc *khepriv1.Service, path diag.Path, d *diag.Collector) {
	m := svc.ProtoReflect()
	fields := m.Descriptor().Fields()
	for _, k := range rejected {
		fd := fields.ByName(k.field)
		if fd == nil || !m.Has(fd) {
			continue
		}
		v, _ := m.Get(fd).Message().Interface().(*structpb.Value)
		if !isSet(v) {
			continue
		}
		d.Errorf(path.Field(fd.JSONName()), "compose's %s is not supported: %s", k.field, k.why)
	}
}
