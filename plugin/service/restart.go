package service

import (
	"strconv"

	"github.com/khepri-nix/khepri/plugin/parse"
)

// restart sets the unit's restart policy: oci-containers runs containers with --rm,
// which docker refuses together with --restart, so systemd restarts them. A
// deploy.restartPolicy replaces it, as in compose (run.deploy maps that one).
func (r *run) restart() {
	rp, err := parse.ParseRestart(r.svc.GetRestart())
	if err != nil {
		r.d.Errorf(r.path.Field("restart"), "%v", err)
		return
	}
	r.unit.ServiceConfig = map[string]string{"Restart": rp.Policy}
	if r.svc.GetDeploy().GetRestartPolicy() != nil {
		if rs := r.svc.GetRestart(); rs != "" && rs != "no" {
			r.d.Warnf(r.path.Field("restart"), "restart %q is replaced by deploy.restartPolicy, as compose replaces it; remove one of them", rs)
		}
		r.unit.ServiceConfig["Restart"] = "no"
		return
	}
	if rp.Policy == "no" {
		return
	}
	// docker's back-off: the delay doubles from 100 ms up to a minute.
	r.unit.ServiceConfig["RestartSec"] = "100ms"
	r.unit.ServiceConfig["RestartSteps"] = "10"
	r.unit.ServiceConfig["RestartMaxDelaySec"] = "1min"
	if rp.MaxRetries >= 0 {
		// The first start plus N restarts, never reset by time: compose's on-failure:N
		// counts restarts over the container's life.
		r.unit.UnitConfig = map[string]string{
			"StartLimitIntervalSec": "infinity",
			"StartLimitBurst":       strconv.Itoa(rp.MaxRetries + 1),
		}
		return
	}
	// docker retries without limit; systemd's default start limit (5 starts in 10 s)
	// would give up on a crashing container that docker keeps restarting.
	r.unit.UnitConfig = map[string]string{"StartLimitIntervalSec": "0"}
}
