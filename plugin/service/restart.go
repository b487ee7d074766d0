package service

import (
	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/parse"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// restart sets the unit's restart policy: oci-containers runs containers with --rm,
// which docker refuses together with --restart, so systemd restarts them. A
// deploy.restartPolicy replaces it, as in compose (run.deploy maps that one).
func restart(u *khepriv1.SystemdService, svc *khepriv1.Service, path diag.Path, d *diag.Collector) {
	r, err := parse.ParseRestart(svc.GetRestart())
	if err != nil {
		d.Errorf(path.Field("restart"), "%v", err)
		return
	}
	u.ServiceConfig = map[string]string{"Restart": r.Policy}
	if svc.GetDeploy().GetRestartPolicy() != nil {
		if rs := svc.GetRestart(); rs != "" && rs != "no" {
			d.Warnf(path.Field("restart"), "restart %q is replaced by deploy.restartPolicy, as compose replaces it; remove one of them", rs)
		}
		u.ServiceConfig["Restart"] = "no"
		return
	}
	if r.Policy == "no" {
		return
	}
	// docker's back-off: the delay doubles from 100 ms up to a minute.
	u.ServiceConfig["RestartSec"] = "100ms"
	u.ServiceConfig["RestartSteps"] = "10"
	u.ServiceConfig["RestartMaxDelaySec"] = "1min"
	if r.MaxRetries >= 0 {
		// The first start plus N restarts, never reset by time: compose's on-failure:N
		// counts restarts over the container's life.
		u.UnitConfig = map[string]string{
			"StartLimitIntervalSec": "infinity",
			"StartLimitBurst":       itoa(r.MaxRetries + 1),
		}
		return
	}
	// docker retries without limit; systemd's default start limit (5 starts in 10 s)
	// would give up on a crashing container that docker keeps restarting.
	u.UnitConfig = map[string]string{"StartLimitIntervalSec": "0"}
}
