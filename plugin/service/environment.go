package service

import (
	"maps"
	"slices"
	"strings"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/parse"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// environment maps environment, refusing what compose would take from its own shell.
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
