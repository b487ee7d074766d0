package service

import (
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/khepri-nix/khepri/plugin/parse"
)

// deploy maps deploy.restart_policy to the unit's restart settings and warns about
// swarm's keys; deploy.resources is mapped with the limits.
func (r *run) deploy() {
	dep := r.svc.GetDeploy()
	p := r.path.Field("deploy")
	for _, k := range []struct {
		field string
		v     *structpb.Value
	}{
		{"mode", dep.GetMode()},
		{"labels", dep.GetLabels()},
		{"placement", dep.GetPlacement()},
		{"updateConfig", dep.GetUpdateConfig()},
		{"rollbackConfig", dep.GetRollbackConfig()},
		{"endpointMode", dep.GetEndpointMode()},
	} {
		if isSet(k.v) {
			r.d.Warnf(p.Field(k.field), "deploy.%s is a swarm setting; a single engine has no use for it, so it has no effect", k.field)
		}
	}
	rp := dep.GetRestartPolicy()
	if rp == nil {
		return
	}
	p = p.Field("restartPolicy")
	// Compose's conditions, and the engines' policy names that compose also takes here;
	// systemd's stop is the user's, so unless-stopped is always (as with restart).
	policy := map[string]string{
		"": "always", "any": "always", "always": "always", "unless-stopped": "always",
		"on-failure": "on-failure", "none": "no", "no": "no",
	}[rp.GetCondition()]
	if policy == "" {
		r.d.Errorf(p.Field("condition"), "invalid condition %q; allowed: \"none\", \"on-failure\" or \"any\" (or the engines' \"no\", \"always\" and \"unless-stopped\")", rp.GetCondition())
		return
	}
	setService(r.unit, "Restart", policy)
	if s := rp.GetDelay(); s != "" {
		if d, err := parse.ParseDuration(s); err != nil {
			r.d.Errorf(p.Field("delay"), "%v", err)
		} else {
			setService(r.unit, "RestartSec", parse.SystemdSpan(d))
		}
	}
	if rp.MaxAttempts == nil && policy != "no" {
		// Restart without limit, as compose does; systemd's default start limit (5 starts
		// in 10 s) would give up on a crashing container.
		setUnit(r.unit, "StartLimitIntervalSec", "0")
	}
	if rp.MaxAttempts != nil {
		n := rp.GetMaxAttempts()
		if n < 0 {
			r.d.Errorf(p.Field("maxAttempts"), "maxAttempts is %d; it must be 0 or more", n)
			return
		}
		// The first start plus N restarts within the window, or over the unit's life.
		setUnit(r.unit, "StartLimitBurst", itoa64(n+1))
		setUnit(r.unit, "StartLimitIntervalSec", "infinity")
	}
	if s := rp.GetWindow(); s != "" {
		d, err := parse.ParseDuration(s)
		switch {
		case err != nil:
			r.d.Errorf(p.Field("window"), "%v", err)
		case rp.MaxAttempts == nil:
			r.d.Errorf(p.Field("window"), "window counts maxAttempts; set maxAttempts too, or remove window")
		default:
			setUnit(r.unit, "StartLimitIntervalSec", parse.SystemdSpan(d))
		}
	}
}

// isSet reports whether a free-form value was given (null is unset).
func isSet(v *structpb.Value) bool {
	switch v.GetKind().(type) {
	case nil, *structpb.Value_NullValue:
		return false
	}
	return true
}
