package service

import (
	"fmt"
	"time"

	"google.golang.org/protobuf/types/known/structpb"

	"github.com/khepri-nix/khepri/plugin/parse"
	"github.com/khepri-nix/khepri/plugin/systemd"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// Conditions of compose's long depends_on syntax.
const (
	Started   = "service_started"
	Healthy   = "service_healthy"
	Completed = "service_completed_successfully"
)

// HasHealthcheck tells whether a service defines a check of its own, which a
// service_healthy dependency waits on.
func HasHealthcheck(svc *khepriv1.Service) bool {
	h := svc.GetHealthcheck()
	if h == nil || h.GetDisable() {
		return false
	}
	switch k := h.GetTest().GetKind().(type) {
	case *structpb.Value_StringValue:
		return k.StringValue != ""
	case *structpb.Value_ListValue:
		vs := k.ListValue.GetValues()
		return len(vs) > 0 && vs[0].GetStringValue() != "NONE"
	}
	return false
}

// readiness makes the container's unit count as started only once its dependents may
// start: when it is healthy, or when it has exited 0. A unit of oci-containers counts as
// started as soon as the engine runs the container, so systemd orders the dependents
// after this wait (compose polls the engine the same way).
func readiness(c *Composition, name string, ctr *khepriv1.Container, unit *khepriv1.SystemdService, svc *khepriv1.Service) {
	b, container := string(c.Backend), c.Containers[name]
	switch c.Await[name] {
	case Healthy:
		limit := healthLimit(svc.GetHealthcheck())
		unit.PostStart += fmt.Sprintf(`# Dependents wait for this container to be healthy (depends_on: service_healthy).
deadline=$((SECONDS + %d))
until status=$(%s inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{end}}' %s 2>/dev/null) && [ "$status" = healthy ]; do
  if [ "$status" = unhealthy ]; then
    echo %s >&2
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo %s >&2
    exit 1
  fi
  sleep 0.5
done
`, int(limit.Seconds()), systemd.Quote(b), systemd.Quote(container),
			systemd.Quote("khepri: container "+container+" is unhealthy; the services that wait for it do not start"),
			systemd.Quote(fmt.Sprintf("khepri: container %s did not become healthy within %s; the services that wait for it do not start", container, limit)))
	case Completed:
		// The exited container is kept to read its status; oci-containers removes it
		// before the next start and when the unit stops.
		keep := false
		ctr.AutoRemoveOnStop = &keep
		setService(unit, "Restart", "no")
		setService(unit, "RemainAfterExit", "true")
		for _, k := range []string{"RestartSec", "RestartSteps", "RestartMaxDelaySec"} {
			delete(unit.ServiceConfig, k)
		}
		unit.UnitConfig = nil
		unit.PostStart += "# Dependents wait for this container to exit 0 (depends_on: service_completed_successfully).\n" +
			systemd.Retry(systemd.Command(b, "inspect", container)+" >/dev/null 2>&1") + fmt.Sprintf(`code=$(%s wait %s)
if [ "$code" != 0 ]; then
  echo %s"$code"%s >&2
  exit 1
fi
`, systemd.Quote(b), systemd.Quote(container),
			systemd.Quote("khepri: container "+container+" exited with status "),
			systemd.Quote("; the services that wait for its completion do not start"))
	}
}

// healthLimit bounds the wait for health: the start period, then as many checks as it
// takes to be declared unhealthy, plus a margin for the engine.
func healthLimit(h *khepriv1.Healthcheck) time.Duration {
	get := func(s string, def time.Duration) time.Duration {
		if d, err := parse.ParseDuration(s); err == nil && s != "" {
			return d
		}
		return def
	}
	retries := int64(3)
	if h.Retries != nil && h.GetRetries() >= 0 {
		retries = h.GetRetries()
	}
	interval := get(h.GetInterval(), 30*time.Second)
	timeout := get(h.GetTimeout(), 30*time.Second)
	limit := get(h.GetStartPeriod(), 0) + time.Duration(retries+1)*(interval+timeout) + 30*time.Second
	return limit.Round(time.Second)
}
