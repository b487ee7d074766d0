package service

import (
	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/parse"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// capabilities maps capAdd and capDrop to oci-containers' capabilities.
func capabilities(ctr *khepriv1.Container, svc *khepriv1.Service, path diag.Path, d *diag.Collector) {
	caps := map[string]bool{}
	added := map[string]int{}
	for i, s := range svc.GetCapAdd() {
		c, err := parse.Capability(s)
		if err != nil {
			d.Errorf(path.Field("capAdd").Index(i), "%v", err)
			continue
		}
		caps[c] = true
		added[c] = i
	}
	for i, s := range svc.GetCapDrop() {
		c, err := parse.Capability(s)
		if err != nil {
			d.Errorf(path.Field("capDrop").Index(i), "%v", err)
			continue
		}
		if j, ok := added[c]; ok {
			d.Errorf(path.Field("capDrop").Index(i), "capability %s is also added by %s; list it in capAdd or capDrop, not both", c, path.Field("capAdd").Index(j))
			continue
		}
		caps[c] = false
	}
	if len(caps) > 0 {
		ctr.Capabilities = caps
	}
}

// devices maps the host devices the container gets.
func devices(ctr *khepriv1.Container, svc *khepriv1.Service, path diag.Path, d *diag.Collector) {
	for i, s := range svc.GetDevices() {
		if err := parse.Device(s); err != nil {
			d.Errorf(path.Field("devices").Index(i), "%v", err)
			continue
		}
		ctr.Devices = append(ctr.Devices, s)
	}
}
