package service

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/parse"
	"github.com/khepri-nix/khepri/plugin/systemd"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// lifecycle maps post_start and pre_stop to scripts of the container's unit, each hook
// an `<backend> exec` into the container, every word shell-quoted.
func (r *run) lifecycle() {
	var post, pre []string
	for i, h := range r.svc.GetPostStart() {
		if line, ok := r.hook(r.path.Field("postStart").Index(i), h); ok {
			post = append(post, line+"\n")
		}
	}
	for i, h := range r.svc.GetPreStop() {
		p := r.path.Field("preStop").Index(i)
		if line, ok := r.hook(p, h); ok {
			// A failing hook must not keep the stop that follows from running.
			pre = append(pre, line+" || echo "+systemd.Quote(fmt.Sprintf("khepri: %s failed", p))+" >&2\n")
		}
	}
	// exec needs a running container: readiness puts a wait for it before the hooks.
	r.unit.PostStart = strings.Join(post, "")
	if len(pre) > 0 {
		r.unit.PreStop = strings.Join(pre, "")
	}
}

// hook renders one hook as its exec into the container.
func (r *run) hook(p diag.Path, h *khepriv1.LifecycleHook) (string, bool) {
	args, set, err := parse.Args(h.GetCommand())
	switch {
	case err != nil:
		r.d.Errorf(p.Field("command"), "%v", err)
		return "", false
	case !set || len(args) == 0:
		r.d.Errorf(p.Field("command"), "the command is empty; give the command to run in the container")
		return "", false
	}
	words := []string{string(r.c.Backend), "exec"}
	if u := h.GetUser(); u != "" {
		words = append(words, "--user="+u)
	}
	if h.GetPrivileged() {
		words = append(words, "--privileged")
	}
	if w := h.GetWorkingDir(); w != "" {
		words = append(words, "--workdir="+w)
	}
	for _, k := range slices.Sorted(maps.Keys(h.GetEnvironment())) {
		if k == "" || strings.Contains(k, "=") {
			r.d.Errorf(p.Field("environment").Key(k), "invalid environment variable name %q: it must be non-empty and contain no '='", k)
			return "", false
		}
		words = append(words, "--env="+k+"="+h.GetEnvironment()[k])
	}
	words = append(words, r.c.Containers[r.name])
	words = append(words, args...)
	if err := systemd.CheckArgs(words...); err != nil {
		r.d.Errorf(p, "%v; put the script in a file (configs) and run that", err)
		return "", false
	}
	return systemd.Command(words...), true
}
