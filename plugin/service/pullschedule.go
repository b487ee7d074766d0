package service

import (
	"strings"
	"time"

	"github.com/khepri-nix/khepri/plugin/parse"
)

// PullSchedule is how a service's image is kept current by its composition's pull unit
// (compose pull_policy daily, weekly, every_<duration> or refresh).
type PullSchedule struct {
	// Every is the least time between two pulls of the image.
	Every time.Duration
	// Pinned: the image lock pins the image to a digest, which a pull never changes.
	Pinned bool
}

// pullSchedule reads a service's scheduled pull policy, nil when it has none. The
// image must be one a registry serves: not built on the host, not loaded from the Nix
// store, where there is nothing to pull.
func (r *run) pullSchedule(res Result) *PullSchedule {
	policy := r.svc.GetPullPolicy()
	every, field, err := parse.PullSchedule(policy, r.svc.GetPullRefreshAfter())
	if err != nil {
		r.d.Errorf(r.path.Field(field), "%v", err)
		return nil
	}
	if every == 0 {
		return nil
	}
	p := r.path.Field(parse.PullPolicyField)
	switch {
	case r.svc.GetBuild() != nil:
		r.d.Errorf(p, "pull policy %q re-pulls the image on a schedule, and build builds it on this host: drop pullPolicy (or set it to \"build\")", policy)
	case r.ctr.ImageFile != "" || r.ctr.ImageStream != "":
		r.d.Errorf(p, "pull policy %q re-pulls the image from its registry on a schedule, and image is a derivation loaded from the Nix store: drop pullPolicy, or give image as a registry reference", policy)
	case res.ImageFetch != nil:
		r.d.Errorf(p, "pull policy %q re-pulls the image on a schedule, which image fetch \"nix\" loads from the Nix store, so there is nothing to pull: drop pullPolicy, or set imageFetch = \"registry\"", policy)
	case strings.Contains(r.svc.GetImage(), "@"):
		// Not an error: compose pulls such an image as the policy says, to no effect.
		r.d.Warnf(p, "pull policy %q re-pulls the image on a schedule, and image %q names it by digest, which a pull never changes: no pull timer keeps it current; drop the digest or pullPolicy", policy, r.svc.GetImage())
	default:
		return &PullSchedule{Every: every, Pinned: strings.Contains(r.ctr.Image, "@")}
	}
	return nil
}
