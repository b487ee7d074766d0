package service

import (
	"maps"
	"slices"
	"strings"

	"github.com/khepri-nix/khepri/plugin/parse"
)

// environment maps environment, refusing what compose would take from its own shell.
func (r *run) environment() {
	env, unset, err := parse.Environment(r.svc.GetEnvironment())
	if err != nil {
		r.d.Errorf(r.path.Field("environment"), "%v", err)
	}
	for _, k := range unset {
		if k == "" {
			r.d.Errorf(r.path.Field("environment").Key(k), "invalid environment variable name \"\": it must be non-empty and contain no '='")
			continue
		}
		r.d.Errorf(r.path.Field("environment").Key(k), "%s has no value: compose would take it from the shell running compose, and a NixOS evaluation has no such environment; write %s=value, or set it in an envFile", k, k)
	}
	for _, k := range slices.Sorted(maps.Keys(env)) {
		if k == "" || strings.Contains(k, "=") {
			r.d.Errorf(r.path.Field("environment").Key(k), "invalid environment variable name %q: it must be non-empty and contain no '='", k)
		}
	}
	if len(env) > 0 {
		r.ctr.Environment = env
	}
}
