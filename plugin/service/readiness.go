package service

import (
	"fmt"
	"time"

	"google.golang.org/protobuf/types/known/structpb"

	"github.com/khepri-nix/khepri/plugin/naming"
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
// start: when its container runs, is healthy, or has exited 0, as compose waits for
// service_started, service_healthy and service_completed_successfully. It also holds
// the post_start hooks until the container runs. The unit's postStart becomes: the
// wait for the container to run, the hooks, then the wait for health or completion,
// whose clock starts only then, so that a long image pull never counts against it.
func (r *run) readiness() {
	b, container := string(r.c.Backend), r.c.Containers[r.name]
	hooks := r.unit.PostStart
	var running, condition string
	switch {
	case r.c.Backend == naming.Docker && (r.c.Await[r.name] != "" || hooks != ""):
		running = runningWait(r.c.Backend, container, r.c.Await[r.name] != "")
	case hooks != "":
		// podman's unit is Type=notify: it is started once conmon reports the container
		// running, so this finds it at once.
		running = systemd.Retry(`[ "$(` + systemd.Command(b, "inspect", "--format", "{{.State.Running}}", container) + ` 2>/dev/null)" = true ]`)
	}
	switch r.c.Await[r.name] {
	case Healthy:
		limit := healthLimit(r.svc.GetHealthcheck())
		condition = fmt.Sprintf(`# Dependents wait for this container to be healthy (depends_on: service_healthy).
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
		r.ctr.AutoRemoveOnStop = &keep
		setService(r.unit, "Restart", "no")
		setService(r.unit, "RemainAfterExit", "true")
		for _, k := range []string{"RestartSec", "RestartSteps", "RestartMaxDelaySec"} {
			delete(r.unit.ServiceConfig, k)
		}
		r.unit.UnitConfig = nil
		condition = "# Dependents wait for this container to exit 0 (depends_on: service_completed_successfully).\n"
		if r.c.Backend != naming.Docker {
			condition += systemd.Retry(systemd.Command(b, "inspect", container) + " >/dev/null 2>&1")
		}
		condition += fmt.Sprintf(`code=$(%s wait %s)
if [ "$code" != 0 ]; then
  echo %s"$code"%s >&2
  exit 1
fi
`, systemd.Quote(b), systemd.Quote(container),
			systemd.Quote("khepri: container "+container+" exited with status "),
			systemd.Quote("; the services that wait for its completion do not start"))
	}
	r.unit.PostStart = running + hooks + condition
}

// runningWait is a docker unit's wait for its container to run. The unit counts as
// started as soon as `docker run`, its main process ($MAINPID), is spawned: before the
// image is pulled and the container exists. The wait lasts while `docker run` does.
// When it has ended first, systemd holds its exit status: 0 means the container ran
// and exited 0 (and --rm removed it), which counts as started, as in compose; any
// other status fails the unit, which systemd would do anyway, with a message naming
// the container. awaited says whether other services wait for it, or only its hooks.
func runningWait(b naming.Backend, container string, awaited bool) string {
	unit := naming.Service(naming.ContainerUnit(b, container))
	consequence := "; the services that wait for it do not start"
	if !awaited {
		consequence = "; its post_start hooks do not run"
	}
	return fmt.Sprintf(`# Wait for this container to run: the unit counts as started when docker run is spawned.
until started=$(%s inspect --format '{{.State.StartedAt}}' %s 2>/dev/null) && [ "$started" != %s ]; do
  if ! kill -0 "$MAINPID" 2>/dev/null; then
    status=$(systemctl show --property=ExecMainStatus --value %s) || status=unknown
    if [ "$status" = 0 ]; then
      break
    fi
    echo %s"$status"%s >&2
    exit 1
  fi
  sleep 0.2
done
`, systemd.Quote(string(b)), systemd.Quote(container), neverStarted, systemd.Quote(unit),
		systemd.Quote("khepri: docker run exited with status "),
		systemd.Quote(" before container "+container+" ran"+consequence))
}

// neverStarted is the StartedAt of a container that has not started.
const neverStarted = "0001-01-01T00:00:00Z"

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
