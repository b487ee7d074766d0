package service

import (
	"github.com/khepri-nix/khepri/plugin/parse"
)

// capabilities maps capAdd and capDrop to oci-containers' capabilities.
func (r *run) capabilities() {
	caps := map[string]bool{}
	added := map[string]int{}
	for i, s := range r.svc.GetCapAdd() {
		c, err := parse.Capability(s)
		if err != nil {
			r.d.Errorf(r.path.Field("capAdd").Index(i), "%v", err)
			continue
		}
		caps[c] = true
		added[c] = i
	}
	for i, s := range r.svc.GetCapDrop() {
		c, err := parse.Capability(s)
		if err != nil {
			r.d.Errorf(r.path.Field("capDrop").Index(i), "%v", err)
			continue
		}
		if j, ok := added[c]; ok {
			r.d.Errorf(r.path.Field("capDrop").Index(i), "capability %s is also added by %s; list it in capAdd or capDrop, not both", c, r.path.Field("capAdd").Index(j))
			continue
		}
		caps[c] = false
	}
	if len(caps) > 0 {
		r.ctr.Capabilities = caps
	}
}

// devices maps the host devices the container gets.
func (r *run) devices() {
	for i, s := range r.svc.GetDevices() {
		if err := parse.Device(s); err != nil {
			r.d.Errorf(r.path.Field("devices").Index(i), "%v", err)
			continue
		}
		r.ctr.Devices = append(r.ctr.Devices, s)
	}
}
