package service

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/parse"
	"github.com/khepri-nix/khepri/plugin/systemd"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

func itoa(i int) string { return strconv.Itoa(i) }

// commandLine maps entrypoint and command. `docker run --entrypoint` takes a single
// executable, so the rest of the entrypoint leads the command; and docker resets the
// image's CMD when --entrypoint is given, as compose expects.
func commandLine(ctr *khepriv1.Container, svc *khepriv1.Service, path diag.Path, d *diag.Collector) {
	cmd, cmdSet, cmdErr := parse.Args(svc.GetCommand())
	if cmdErr != nil {
		d.Errorf(path.Field("command"), "%v", cmdErr)
	}
	ep, epSet, err := parse.Args(svc.GetEntrypoint())
	if err != nil {
		d.Errorf(path.Field("entrypoint"), "%v", err)
	}
	if cmdErr == nil && cmdSet && len(cmd) == 0 && len(ep) == 0 {
		// An entrypoint of its own drops the image's CMD anyway; without one, both engines
		// (and so docker compose) take an empty command for none.
		d.Warnf(path.Field("command"), "an empty command means none to the engines, which then run the image's CMD, as they do for docker compose (compose's file format says it runs none); to run the entrypoint without it, set entrypoint, which drops the image's CMD")
	}
	var args []string
	if epSet {
		first := ""
		if len(ep) > 0 {
			first, args = ep[0], append(args, ep[1:]...)
		}
		// An empty entrypoint clears the image's.
		ctr.Entrypoint = &first
	}
	args = append(args, cmd...)
	if len(args) > 0 {
		ctr.Cmd = args
	}
}

func environment(ctr *khepriv1.Container, svc *khepriv1.Service, path diag.Path, d *diag.Collector) {
	env, unset, err := parse.Environment(svc.GetEnvironment())
	if err != nil {
		d.Errorf(path.Field("environment"), "%v", err)
	}
	for _, k := range unset {
		if k == "" {
			d.Errorf(path.Field("environment").Key(k), "invalid environment variable name \"\": it must be non-empty and contain no '='")
			continue
		}
		d.Errorf(path.Field("environment").Key(k), "%s has no value: compose would take it from the shell running compose, and a NixOS evaluation has no such environment; write %s=value, or set it in an envFile", k, k)
	}
	for _, k := range slices.Sorted(maps.Keys(env)) {
		if k == "" || strings.Contains(k, "=") {
			d.Errorf(path.Field("environment").Key(k), "invalid environment variable name %q: it must be non-empty and contain no '='", k)
		}
	}
	if len(env) > 0 {
		ctr.Environment = env
	}
}

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

func devices(ctr *khepriv1.Container, svc *khepriv1.Service, path diag.Path, d *diag.Collector) {
	for i, s := range svc.GetDevices() {
		if err := parse.Device(s); err != nil {
			d.Errorf(path.Field("devices").Index(i), "%v", err)
			continue
		}
		ctr.Devices = append(ctr.Devices, s)
	}
}

// Compose's own labels, which group containers by composition in compose-aware tools.
const (
	projectLabel = "com.docker.compose.project"
	serviceLabel = "com.docker.compose.service"
)

func labels(c *Composition, name string, ctr *khepriv1.Container, svc *khepriv1.Service, path diag.Path, d *diag.Collector) {
	ctr.Labels = map[string]string{projectLabel: c.Name, serviceLabel: name}
	for _, k := range slices.Sorted(maps.Keys(svc.GetLabels())) {
		if err := systemd.LabelName(c.Backend, k); err != nil {
			d.Errorf(path.Field("labels").Key(k), "%v", err)
			continue
		}
		switch k {
		case projectLabel, serviceLabel:
			d.Warnf(path.Field("labels").Key(k), "label %s is set by khepri, as compose sets it, to %q; the value given is ignored", k, ctr.Labels[k])
		default:
			ctr.Labels[k] = svc.GetLabels()[k]
		}
	}
}

func extraHosts(ctr *khepriv1.Container, svc *khepriv1.Service, path diag.Path, d *diag.Collector) {
	for i, s := range svc.GetExtraHosts() {
		h, err := parse.ParseExtraHost(s)
		if err != nil {
			d.Errorf(path.Field("extraHosts").Index(i), "%v", err)
			continue
		}
		ctr.ExtraOptions = append(ctr.ExtraOptions, h.Flag())
	}
}
