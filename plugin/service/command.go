package service

import (
	"github.com/khepri-nix/khepri/plugin/parse"
)

// commandLine maps entrypoint and command. `docker run --entrypoint` takes a single
// executable, so the rest of the entrypoint leads the command; and docker resets the
// image's CMD when --entrypoint is given, as compose expects.
func (r *run) commandLine() {
	cmd, cmdSet, cmdErr := parse.Args(r.svc.GetCommand())
	if cmdErr != nil {
		r.d.Errorf(r.path.Field("command"), "%v", cmdErr)
	}
	ep, epSet, err := parse.Args(r.svc.GetEntrypoint())
	if err != nil {
		r.d.Errorf(r.path.Field("entrypoint"), "%v", err)
	}
	if cmdErr == nil && cmdSet && len(cmd) == 0 && len(ep) == 0 {
		// An entrypoint of its own drops the image's CMD anyway; without one, both engines
		// (and so docker compose) take an empty command for none.
		r.d.Warnf(r.path.Field("command"), "an empty command means none to the engines, which then run the image's CMD, as they do for docker compose (compose's file format says it runs none); to run the entrypoint without it, set entrypoint, which drops the image's CMD")
	}
	var args []string
	if epSet {
		first := ""
		if len(ep) > 0 {
			first, args = ep[0], append(args, ep[1:]...)
		}
		// An empty entrypoint clears the image's.
		r.ctr.Entrypoint = &first
	}
	args = append(args, cmd...)
	if len(args) > 0 {
		r.ctr.Cmd = args
	}
}
