//go:build engine

// Package engine runs expanded compositions on a real Docker engine: the engine tier
// of scripts/test. It builds the khepri host, the expander plugin and a probe image
// (testimage) at test time, expands requests through them, and runs the responses
// with Runner, which stands in for NixOS.
package engine

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/reflect/protoreflect"

	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// Runner does with an ExpandResponse what a NixOS host with
// virtualisation.oci-containers.backend = "docker" does with the containers, units and
// targets khepri gives it, closely enough that a container it starts is configured as
// the NixOS one would be:
//
//   - Units start in dependency order: a unit starts after every unit of the response
//     that its `after`, `requires` or `wants` name (systemd's ordering; units outside the
//     response, such as docker.service, are taken as running). Ties break by unit name,
//     so a run is repeatable. Stop is the reverse order, as systemd stops a target.
//   - khepri's own units (network and volume creation) run their `script`, and on stop
//     their `preStop`, with bash after `set -e`: NixOS's makeJobScript.
//   - A container starts with the script nixpkgs' oci-containers.nix (mkService) builds:
//     `docker rm -f NAME || true` (its ExecStartPre), then `exec docker run --name=…` with
//     its arguments in its order and escaped with its escapeShellArg (environment and
//     labels in attribute-name order, capabilities added then dropped, `--rm`,
//     `--pull missing`, extraOptions, the image unescaped, then cmd). It stops with
//     oci-containers' `docker stop NAME || true` and `docker rm -f NAME || true`.
//
// Deviations from NixOS, each forced by running without systemd or by this engine:
//
//   - `run -d` instead of `run`: the container is detached instead of being the unit's
//     main process, so systemd's Restart= (khepri's restart policy) is not exercised;
//     the runner returns when the engine has started the container.
//   - `--log-driver=journald` is left out when the host has no journald socket (docker
//     refuses to start the container); the engine's default driver is used instead.
//   - Several networks: docker before 25 (API 1.44) refuses more than one `--network`
//     on `docker run` ("Container cannot be connected to network endpoints"). On such an
//     engine the runner keeps the first `--network=name=N,alias=A…` verbatim, creates
//     the container with `docker create` instead of `run -d`, attaches each further
//     network with `docker network connect --alias A… N NAME`, and then starts it, so
//     the process still starts with every network attached. Every other argument stays
//     verbatim.
//   - A container unit's `preStart` and `postStart` (khepri's readiness waits for health
//     or completion, and post_start hooks) run with bash before and after the start, as
//     NixOS's ExecStartPre and ExecStartPost scripts do; so do ExecStartPre and
//     ExecStartPost of its serviceConfig, which systemd would exec directly.
//
// A response field the runner does not reproduce fails the run instead of being
// dropped, so a new field cannot pass the engine tests unseen.
type Runner struct {
	Resp *khepriv1.ExpandResponse
	// Logf receives every command line run; testing.T.Logf fits.
	Logf func(format string, args ...any)
	// MultiNetworkRun: the engine accepts several --network flags on `docker run`.
	MultiNetworkRun bool
	// Journald: keep oci-containers' --log-driver=journald.
	Journald bool

	started []string
}

// unit is one systemd service of the response: a khepri unit or a container's unit.
type unit struct {
	name      string
	svc       *khepriv1.SystemdService
	container string // container name, for a container unit
}

func (r *Runner) units() map[string]unit {
	us := map[string]unit{}
	for name, s := range r.Resp.GetServices() {
		us[name] = unit{name: name, svc: s}
	}
	for name := range r.Resp.GetContainers() {
		u := "docker-" + name
		us[u] = unit{name: u, svc: r.Resp.GetContainerUnits()[u], container: name}
	}
	return us
}

// Order returns the response's units in start order, or an error on a cycle.
func (r *Runner) Order() ([]string, error) {
	us := r.units()
	deps := map[string][]string{}
	for name, u := range us {
		for _, l := range [][]string{u.svc.GetAfter(), u.svc.GetRequires(), u.svc.GetWants()} {
			for _, d := range l {
				d = strings.TrimSuffix(d, ".service")
				if _, ok := us[d]; ok {
					deps[name] = append(deps[name], d)
				}
			}
		}
	}
	var order []string
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(string) error
	visit = func(n string) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("dependency cycle through %s", n)
		case 2:
			return nil
		}
		state[n] = 1
		ds := slices.Clone(deps[n])
		slices.Sort(ds)
		for _, d := range ds {
			if err := visit(d); err != nil {
				return err
			}
		}
		state[n] = 2
		order = append(order, n)
		return nil
	}
	names := make([]string, 0, len(us))
	for n := range us {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if err := visit(n); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// Start starts every unit in order. On error the units already started stay started;
// call Stop.
func (r *Runner) Start(ctx context.Context) error {
	if err := r.check(); err != nil {
		return err
	}
	order, err := r.Order()
	if err != nil {
		return err
	}
	us := r.units()
	for _, n := range order {
		u := us[n]
		r.started = append(r.started, n)
		if u.container == "" {
			if err := r.bash(ctx, u.svc.GetScript()); err != nil {
				return fmt.Errorf("unit %s: %w", n, err)
			}
			continue
		}
		if err := r.startContainer(ctx, u); err != nil {
			return fmt.Errorf("unit %s: %w", n, err)
		}
	}
	return nil
}

// Stop stops the started units in reverse order and returns the first error; it goes
// on after an error, as systemd does.
func (r *Runner) Stop(ctx context.Context) error {
	us := r.units()
	var first error
	for i := len(r.started) - 1; i >= 0; i-- {
		u := us[r.started[i]]
		script := u.svc.GetPreStop()
		if u.container != "" {
			script = fmt.Sprintf("docker stop %s || true\ndocker rm -f %s || true\n", u.container, u.container)
		}
		if script == "" {
			continue
		}
		if err := r.bash(ctx, script); err != nil && first == nil {
			first = fmt.Errorf("stop %s: %w", u.name, err)
		}
	}
	r.started = nil
	return first
}

func (r *Runner) startContainer(ctx context.Context, u unit) error {
	c := r.Resp.GetContainers()[u.container]
	cfg := u.svc.GetServiceConfig()
	if err := r.bash(ctx, fmt.Sprintf("docker rm -f %s || true", u.container)); err != nil {
		return err
	}
	for _, pre := range []string{cfg["ExecStartPre"], u.svc.GetPreStart()} {
		if pre == "" {
			continue
		}
		if err := r.bash(ctx, pre); err != nil {
			return fmt.Errorf("ExecStartPre: %w", err)
		}
	}
	run, connects := r.runScript(u.container, c)
	if err := r.bash(ctx, run); err != nil {
		return err
	}
	if len(connects) > 0 {
		connects = append(connects, "docker start "+escapeShellArg(u.container)+" >/dev/null")
		if err := r.bash(ctx, strings.Join(connects, "\n")); err != nil {
			return err
		}
	}
	// postStart is where khepri waits for readiness (health, completion) and runs
	// post_start hooks; systemd counts the unit as started after it.
	for _, post := range []string{cfg["ExecStartPost"], u.svc.GetPostStart()} {
		if post == "" {
			continue
		}
		if err := r.bash(ctx, post); err != nil {
			return fmt.Errorf("ExecStartPost: %w", err)
		}
	}
	return nil
}

// runScript renders oci-containers' start script for a container, with the deviations
// in Runner's doc, and the `docker network connect` lines for an old engine.
func (r *Runner) runScript(name string, c *khepriv1.Container) (string, []string) {
	opts := c.GetExtraOptions()
	var connects []string
	verb := "run -d"
	if !r.MultiNetworkRun {
		var kept []string
		nets := 0
		for _, o := range opts {
			spec, ok := strings.CutPrefix(o, "--network=")
			if ok {
				nets++
			}
			if !ok || nets == 1 {
				kept = append(kept, o)
				continue
			}
			connects = append(connects, networkConnect(spec, name))
		}
		if len(connects) > 0 {
			verb, opts = "create", kept
		}
	}
	args := []string{"exec docker", verb, "--name=" + escapeShellArg(name)}
	if c.LogDriver != nil {
		args = append(args, "--log-driver="+escapeShellArg(c.GetLogDriver()))
	} else if r.Journald {
		args = append(args, "--log-driver=journald")
	}
	if c.Entrypoint != nil {
		args = append(args, "--entrypoint="+escapeShellArg(c.GetEntrypoint()))
	}
	for _, k := range sortedKeys(c.GetEnvironment()) {
		args = append(args, "-e "+escapeShellArg(k)+"="+escapeShellArg(c.GetEnvironment()[k]))
	}
	for _, f := range c.GetEnvironmentFiles() {
		args = append(args, "--env-file "+escapeShellArg(f))
	}
	for _, p := range c.GetPorts() {
		args = append(args, "-p "+escapeShellArg(p))
	}
	for _, v := range c.GetVolumes() {
		args = append(args, "-v "+escapeShellArg(v))
	}
	for _, k := range sortedKeys(c.GetLabels()) {
		args = append(args, "-l "+escapeShellArg(k)+"="+escapeShellArg(c.GetLabels()[k]))
	}
	if c.AutoRemoveOnStop == nil || c.GetAutoRemoveOnStop() {
		args = append(args, "--rm")
	}
	for _, want := range []bool{true, false} {
		flag := map[bool]string{true: "--cap-add=", false: "--cap-drop="}[want]
		for _, k := range sortedKeys(c.GetCapabilities()) {
			if c.GetCapabilities()[k] == want {
				args = append(args, flag+escapeShellArg(k))
			}
		}
	}
	for _, d := range c.GetDevices() {
		args = append(args, "--device="+escapeShellArg(d))
	}
	if c.User != nil {
		args = append(args, "-u "+escapeShellArg(c.GetUser()))
	}
	if c.Workdir != nil {
		args = append(args, "-w "+escapeShellArg(c.GetWorkdir()))
	}
	if c.Hostname != nil {
		args = append(args, "--hostname "+escapeShellArg(c.GetHostname()))
	}
	if c.GetPrivileged() {
		args = append(args, "--privileged")
	}
	pull := "missing"
	if c.Pull != nil {
		pull = c.GetPull()
	}
	args = append(args, "--pull "+escapeShellArg(pull))
	for _, o := range opts {
		args = append(args, escapeShellArg(o))
	}
	args = append(args, c.GetImage())
	for _, a := range c.GetCmd() {
		args = append(args, escapeShellArg(a))
	}
	script := strings.Join(args, " \\\n  ")
	if len(connects) > 0 {
		// exec would end the script before the connects; create returns at once.
		script = strings.TrimPrefix(script, "exec ") + " >/dev/null"
	}
	return script, connects
}

// networkConnect turns the value of `--network=name=N,alias=A,…` into the older
// engine's `docker network connect`.
func networkConnect(spec, container string) string {
	var net string
	var aliases []string
	for _, kv := range strings.Split(spec, ",") {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "name":
			net = v
		case "alias":
			aliases = append(aliases, "--alias "+escapeShellArg(v))
		default:
			// A bare network name, as podman's form or an old client writes it.
			net = kv
		}
	}
	return strings.Join(append(append([]string{"docker network connect"}, aliases...), escapeShellArg(net), escapeShellArg(container)), " ")
}

// known lists the Container fields runScript reproduces.
var known = map[protoreflect.Name]bool{
	"image": true, "cmd": true, "entrypoint": true, "environment": true,
	"environment_files": true, "ports": true, "volumes": true, "labels": true,
	"capabilities": true, "devices": true, "extra_options": true,
	"user": true, "workdir": true, "hostname": true, "privileged": true, "pull": true,
	"log_driver": true,
	// Boot-time start is systemd's; the runner starts every unit it is given.
	"auto_start": true, "auto_remove_on_stop": true,
}

// knownServiceConfig lists the serviceConfig keys the runner honours or that need no
// counterpart without systemd. Restart and the Restart* keys of its back-off are
// systemd's restart policy, which a detached container does not exercise (see Runner).
var knownServiceConfig = map[string]bool{
	"Type": true, "RemainAfterExit": true,
	"ExecStartPre": true, "ExecStartPost": true,
	// How long systemd waits for the stop; the runner's stop waits for docker stop.
	"TimeoutStopSec": true,
}

// check refuses a response with fields the runner would silently drop.
func (r *Runner) check() error {
	for name, c := range r.Resp.GetContainers() {
		var err error
		c.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, _ protoreflect.Value) bool {
			if !known[fd.Name()] {
				err = fmt.Errorf("container %s: the engine runner does not reproduce field %s yet; add it to Runner.runScript in oci-containers' order", name, fd.JSONName())
				return false
			}
			return true
		})
		if err != nil {
			return err
		}
		if c.GetImageFile() != "" || c.GetImageStream() != "" {
			return fmt.Errorf("container %s: imageFile and imageStream are not run by the engine runner", name)
		}
	}
	for name, u := range r.units() {
		for k := range u.svc.GetServiceConfig() {
			if !knownServiceConfig[k] && !strings.HasPrefix(k, "Restart") {
				return fmt.Errorf("unit %s: the engine runner does not honour serviceConfig.%s yet", name, k)
			}
		}
	}
	return nil
}

// bash runs a unit script as NixOS's makeJobScript does: bash with `set -e`.
func (r *Runner) bash(ctx context.Context, script string) error {
	if r.Logf != nil {
		r.Logf("$ %s", script)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", "set -e\n"+script)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Env = os.Environ()
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%w: %s", err, strings.TrimSpace(out.String()))
	}
	return nil
}

var safeShellArg = regexp.MustCompile(`^[[:alnum:],._+:@%/-]+$`)

// escapeShellArg is nixpkgs' lib.escapeShellArg: safe strings bare, the rest in
// single quotes with each ' written '\”.
func escapeShellArg(s string) string {
	if safeShellArg.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
