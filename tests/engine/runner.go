//go:build engine

// Package engine runs expanded compositions on a real Docker engine, and on podman
// (rootful and rootless) where it is installed: the engine tier of scripts/test. It
// builds the khepri host, the expander plugin and a probe image (testimage) at test
// time, expands requests through them, and runs the responses with Runner, which
// stands in for NixOS.
package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"google.golang.org/protobuf/reflect/protoreflect"

	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// Runner does with an ExpandResponse what a NixOS host with
// virtualisation.oci-containers.backend = "docker" or "podman" does with the containers,
// units and targets khepri gives it, closely enough that a container it starts is
// configured as the NixOS one would be:
//
//   - Units start in dependency order: a unit starts after every unit of the response
//     that its `after`, `requires` or `wants` name (systemd's ordering; units outside the
//     response, such as docker.service or a rootless user's user@<uid>.service, are taken
//     as running). Ties break by unit name, so a run is repeatable. Stop is the reverse
//     order, as systemd stops a target.
//   - khepri's own units (network and volume creation) run their `script`, and on stop
//     their `preStop`, with bash after `set -e`: NixOS's makeJobScript. Every command
//     runs in /, as systemd runs a unit's; a unit whose serviceConfig has User= runs
//     them as that user, with the ids, groups, HOME, USER and LOGNAME systemd gives it,
//     and its serviceConfig Environment= in the environment.
//   - A container's unit is `docker-NAME` or `podman-NAME`, and its commands are those of
//     nixpkgs' oci-containers.nix (mkService) for the backend. It starts with the
//     ExecStartPre `BACKEND rm -f NAME || true` (podman: then `rm -f /run/NAME/ctr-id`),
//     then `exec BACKEND run --name=…` with its arguments in its order and escaped with
//     its escapeShellArg: --log-driver, --entrypoint, --hostname, podman's
//     `--cidfile=/run/NAME/ctr-id --cgroups=enabled --sdnotify=conmon -d --replace`,
//     environment, environment files, ports, user, volumes, labels (environment and
//     labels in attribute-name order), workdir, --privileged, --rm, capabilities added
//     then dropped, devices, `--pull missing`, extraOptions, the image unescaped, then
//     cmd. On docker it stops with `docker stop NAME || true` and
//     `docker rm -f NAME || true`; on podman with `podman stop --ignore --cidfile=…` and
//     `podman rm -f --ignore --cidfile=…`.
//   - A podman container's unit runs as its `podman.user` (root when unset), as
//     oci-containers' User= does, with PODMAN_SYSTEMD_UNIT set as its Environment= does:
//     a rootless container's every command (ExecStartPre, run, ExecStartPost, stop)
//     runs in that user's podman. Its RuntimeDirectory=NAME, /run/NAME owned by that
//     user, is made before the start and removed after the stop.
//
// Deviations from NixOS, each forced by running without systemd or by this engine:
//
//   - docker: `run -d` instead of `run`: the container is detached instead of being the
//     unit's main process, so systemd's Restart= (khepri's restart policy) is not
//     exercised; the runner returns when the engine has started the container. podman's
//     line is oci-containers' own, detached already; Restart= is not exercised either,
//     and nothing waits for conmon's sd_notify (the runner sets no NOTIFY_SOCKET).
//   - `--log-driver=journald` is left out when the host has no journald socket (docker
//     and podman refuse to start the container); the engine's default driver is used.
//   - docker, several networks: docker before 25 (API 1.44) refuses more than one
//     `--network` on `docker run` ("Container cannot be connected to network
//     endpoints"). On such an engine the runner keeps the first
//     `--network=name=N,alias=A…` verbatim, creates the container with `docker create`
//     instead of `run -d`, attaches each further network with
//     `docker network connect --alias A… N NAME`, and then starts it, so the process
//     still starts with every network attached. Every other argument stays verbatim.
//     podman takes several --network flags: its line is always verbatim.
//   - podman's stop: podman before 4.7 fails `--ignore --cidfile=F` when F is missing
//     (containers/podman#19546), which later podman takes as nothing to stop. When the
//     cidfile is missing (the container never started) the runner runs neither stop
//     command, which is what later podman does.
//   - podman runs a container's healthcheck from a systemd timer (root's, or the
//     rootless user's manager's), which a host without systemd lacks. The runner stands
//     in for it: while a podman container with a healthcheck runs, it runs
//     `podman healthcheck run NAME` as the unit's user every half second, more often
//     than the healthcheck's interval, which only makes health known sooner.
//   - A container unit's `preStart` and `postStart` (khepri's readiness waits for health
//     or completion, its copies of secrets, and post_start hooks) run with bash before
//     and after the start, as NixOS's ExecStartPre and ExecStartPost scripts do; so do
//     ExecStartPre and ExecStartPost of its serviceConfig, which systemd would exec
//     directly.
//   - Env is added to every command's environment, as root or as a unit's user: what
//     the host's own configuration gives the engine on NixOS (for the tests, a
//     containers.conf chosen with CONTAINERS_CONF).
//
// A response field the runner does not reproduce fails the run instead of being
// dropped, so a new field cannot pass the engine tests unseen.
type Runner struct {
	Resp *khepriv1.ExpandResponse
	// Backend is virtualisation.oci-containers.backend: "docker" (when empty) or "podman".
	Backend string
	// Logf receives every command line run; testing.T.Logf fits.
	Logf func(format string, args ...any)
	// MultiNetworkRun: the docker engine accepts several --network flags on `docker run`.
	MultiNetworkRun bool
	// Journald: keep oci-containers' --log-driver=journald.
	Journald bool
	// Env is added to the environment of every command the runner runs.
	Env []string

	started []string
	// timers stop the healthcheck timers of running podman containers, by container.
	timers map[string]context.CancelFunc
}

func (r *Runner) backend() string {
	if r.Backend == "" {
		return "docker"
	}
	return r.Backend
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
		u := r.backend() + "-" + name
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
			id, err := r.identity(u)
			if err == nil {
				err = r.bash(ctx, id, u.svc.GetScript())
			}
			if err != nil {
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
	fail := func(err error) {
		if err != nil && first == nil {
			first = err
		}
	}
	for i := len(r.started) - 1; i >= 0; i-- {
		u := us[r.started[i]]
		id, err := r.identity(u)
		if err != nil {
			fail(fmt.Errorf("stop %s: %w", u.name, err))
			continue
		}
		if u.container != "" {
			if err := r.stopContainer(ctx, u, id); err != nil {
				fail(fmt.Errorf("stop %s: %w", u.name, err))
			}
			continue
		}
		if script := u.svc.GetPreStop(); script != "" {
			if err := r.bash(ctx, id, script); err != nil {
				fail(fmt.Errorf("stop %s: %w", u.name, err))
			}
		}
	}
	r.started = nil
	return first
}

// identity is who runs a unit's commands, and what its Environment= adds.
type identity struct {
	user string // "" for root
	env  []string
}

func (r *Runner) identity(u unit) (identity, error) {
	var id identity
	cfg := u.svc.GetServiceConfig()
	if u.container != "" && r.backend() == "podman" {
		// oci-containers' podman unit: User=podman.user, Environment=PODMAN_SYSTEMD_UNIT=%n.
		id.user = r.Resp.GetContainers()[u.container].GetPodman().GetUser()
		id.env = append(id.env, "PODMAN_SYSTEMD_UNIT="+u.name+".service")
	}
	if v, ok := cfg["User"]; ok {
		id.user = v
	}
	if id.user == "root" {
		id.user = ""
	}
	if v, ok := cfg["Environment"]; ok {
		env, err := systemdEnvironment(v)
		if err != nil {
			return id, fmt.Errorf("serviceConfig.Environment: %w", err)
		}
		id.env = append(id.env, env...)
	}
	return id, nil
}

// systemdEnvironment splits the value of Environment= as systemd does: assignments
// separated by spaces, each possibly in double or single quotes.
func systemdEnvironment(v string) ([]string, error) {
	var out []string
	var cur strings.Builder
	var quote rune
	inWord := false
	for _, c := range v {
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(c)
		case c == '"' || c == '\'':
			quote, inWord = c, true
		case c == ' ' || c == '\t':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(c)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated quote in %q", v)
	}
	if inWord {
		out = append(out, cur.String())
	}
	for _, a := range out {
		if k, _, ok := strings.Cut(a, "="); !ok || k == "" {
			return nil, fmt.Errorf("%q is not an assignment", a)
		}
	}
	return out, nil
}

// runtimeDir is the container unit's RuntimeDirectory= on podman, holding its cidfile.
func runtimeDir(container string) string { return "/run/" + container }

func (r *Runner) startContainer(ctx context.Context, u unit) error {
	c := r.Resp.GetContainers()[u.container]
	cfg := u.svc.GetServiceConfig()
	id, err := r.identity(u)
	if err != nil {
		return err
	}
	backend := r.backend()
	pre := fmt.Sprintf("%s rm -f %s || true", backend, u.container)
	if backend == "podman" {
		// systemd makes the RuntimeDirectory, owned by the unit's user, before the start.
		if err := makeRuntimeDir(runtimeDir(u.container), id.user); err != nil {
			return err
		}
		pre += fmt.Sprintf("\nrm -f /run/%s/ctr-id", escapeShellArg(u.container))
	}
	if err := r.bash(ctx, id, pre); err != nil {
		return err
	}
	for _, pre := range []string{cfg["ExecStartPre"], u.svc.GetPreStart()} {
		if pre == "" {
			continue
		}
		if err := r.bash(ctx, id, pre); err != nil {
			return fmt.Errorf("ExecStartPre: %w", err)
		}
	}
	run, connects := r.runScript(u.container, c)
	if err := r.bash(ctx, id, run); err != nil {
		return err
	}
	if len(connects) > 0 {
		connects = append(connects, "docker start "+escapeShellArg(u.container)+" >/dev/null")
		if err := r.bash(ctx, id, strings.Join(connects, "\n")); err != nil {
			return err
		}
	}
	if backend == "podman" && hasHealthcheck(c) {
		r.startHealthTimer(u.container, id)
	}
	// postStart is where khepri waits for readiness (health, completion) and runs
	// post_start hooks; systemd counts the unit as started after it.
	for _, post := range []string{cfg["ExecStartPost"], u.svc.GetPostStart()} {
		if post == "" {
			continue
		}
		if err := r.bash(ctx, id, post); err != nil {
			return fmt.Errorf("ExecStartPost: %w", err)
		}
	}
	return nil
}

// stopContainer runs oci-containers' ExecStop and ExecStopPost; the second runs even
// when the first fails, as systemd runs it.
func (r *Runner) stopContainer(ctx context.Context, u unit, id identity) error {
	name := u.container
	if stop, ok := r.timers[name]; ok {
		stop()
		delete(r.timers, name)
	}
	if r.backend() == "docker" {
		return r.bash(ctx, id, fmt.Sprintf("docker stop %s || true\ndocker rm -f %s || true\n", name, name))
	}
	dir := runtimeDir(name)
	var first error
	if _, err := os.Stat(dir + "/ctr-id"); err == nil {
		cid := fmt.Sprintf("--cidfile=/run/%s/ctr-id", escapeShellArg(name))
		for _, cmd := range []string{"podman stop --ignore " + cid, "podman rm -f --ignore " + cid} {
			if err := r.bash(ctx, id, cmd); err != nil && first == nil {
				first = err
			}
		}
	}
	// systemd removes the RuntimeDirectory when the unit stops.
	if err := os.RemoveAll(dir); err != nil && first == nil {
		first = err
	}
	return first
}

// hasHealthcheck: the container's run line sets a healthcheck.
func hasHealthcheck(c *khepriv1.Container) bool {
	return slices.ContainsFunc(c.GetExtraOptions(), func(o string) bool { return strings.HasPrefix(o, "--health-cmd=") })
}

// startHealthTimer runs the container's healthcheck until its unit stops, as podman's
// systemd timer would (see Runner).
func (r *Runner) startHealthTimer(name string, id identity) {
	ctx, cancel := context.WithCancel(context.Background())
	if r.timers == nil {
		r.timers = map[string]context.CancelFunc{}
	}
	r.timers[name] = cancel
	go func() {
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				// An unhealthy or stopped container fails the check; the wait in
				// postStart reads the outcome from the container's state.
				cmd, err := command(ctx, id.user, append(slices.Clone(r.Env), id.env...), "podman", "healthcheck", "run", name)
				if err == nil {
					_ = cmd.Run()
				}
			}
		}
	}()
}

func makeRuntimeDir(dir, username string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if username == "" {
		return nil
	}
	cred, _, err := lookupUser(username)
	if err != nil {
		return err
	}
	return os.Chown(dir, int(cred.Uid), int(cred.Gid))
}

// runScript renders oci-containers' start script for a container, with the deviations
// in Runner's doc, and the `docker network connect` lines for an old docker engine.
func (r *Runner) runScript(name string, c *khepriv1.Container) (string, []string) {
	backend := r.backend()
	opts := c.GetExtraOptions()
	var connects []string
	verb := "run"
	if backend == "docker" {
		verb = "run -d"
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
	}
	args := []string{"exec " + backend, verb, "--name=" + escapeShellArg(name)}
	if c.LogDriver != nil {
		args = append(args, "--log-driver="+escapeShellArg(c.GetLogDriver()))
	} else if r.Journald {
		args = append(args, "--log-driver=journald")
	}
	if c.Entrypoint != nil {
		args = append(args, "--entrypoint="+escapeShellArg(c.GetEntrypoint()))
	}
	if c.Hostname != nil {
		args = append(args, "--hostname="+escapeShellArg(c.GetHostname()))
	}
	if backend == "podman" {
		args = append(args, "--cidfile=/run/"+escapeShellArg(name)+"/ctr-id", "--cgroups=enabled", "--sdnotify=conmon", "-d", "--replace")
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
	if c.User != nil {
		args = append(args, "-u "+escapeShellArg(c.GetUser()))
	}
	for _, v := range c.GetVolumes() {
		args = append(args, "-v "+escapeShellArg(v))
	}
	for _, k := range sortedKeys(c.GetLabels()) {
		args = append(args, "-l "+escapeShellArg(k)+"="+escapeShellArg(c.GetLabels()[k]))
	}
	if c.Workdir != nil {
		args = append(args, "-w "+escapeShellArg(c.GetWorkdir()))
	}
	if c.GetPrivileged() {
		args = append(args, "--privileged")
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
	// podman.user: the user the unit runs as (podman backend only, as in oci-containers).
	"podman": true,
}

// knownServiceConfig lists the serviceConfig keys the runner honours or that need no
// counterpart without systemd. Restart and the Restart* keys of its back-off are
// systemd's restart policy, which a detached container does not exercise (see Runner).
var knownServiceConfig = map[string]bool{
	"Type": true, "RemainAfterExit": true,
	"ExecStartPre": true, "ExecStartPost": true,
	// How long systemd waits for the stop; the runner's stop waits for the engine's stop.
	"TimeoutStopSec": true,
	// Who runs the unit's commands, and what they find in their environment.
	"User": true, "Environment": true,
	// Hands the unit's cgroup to a rootless podman; without systemd there is no unit
	// cgroup to hand over, and podman keeps its own (cgroupfs).
	"Delegate": true,
}

// check refuses a response with fields the runner would silently drop.
func (r *Runner) check() error {
	if b := r.backend(); b != "docker" && b != "podman" {
		return fmt.Errorf("backend %q: oci-containers has docker and podman", b)
	}
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
		if c.Podman != nil && r.backend() != "podman" {
			// oci-containers' own assertion.
			return fmt.Errorf("container %s: podman settings need the podman backend", name)
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

// bash runs a unit script as NixOS's makeJobScript does: bash with `set -e`, as the
// unit's user.
func (r *Runner) bash(ctx context.Context, id identity, script string) error {
	if r.Logf != nil {
		if id.user != "" {
			r.Logf("$ (as %s) %s", id.user, script)
		} else {
			r.Logf("$ %s", script)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd, err := command(ctx, id.user, append(slices.Clone(r.Env), id.env...), "bash", "-c", "set -e\n"+script)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%w: %s", err, strings.TrimSpace(out.String()))
	}
	return nil
}

// command prepares argv to run as systemd runs a unit's command with User=username
// (root for ""): with the user's uid, gid and groups, HOME, USER and LOGNAME from its
// passwd entry in a fresh environment, and / as working directory. env is added.
func command(ctx context.Context, username string, env []string, argv ...string) (*exec.Cmd, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = "/"
	if username == "" {
		cmd.Env = append(os.Environ(), env...)
		return cmd, nil
	}
	cred, home, err := lookupUser(username)
	if err != nil {
		return nil, err
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	cmd.Env = append([]string{"HOME=" + home, "USER=" + username, "LOGNAME=" + username, "PATH=" + os.Getenv("PATH")}, env...)
	return cmd, nil
}

// lookupUser returns a user's credentials and home directory.
func lookupUser(username string) (*syscall.Credential, string, error) {
	u, err := user.Lookup(username)
	if err != nil {
		return nil, "", err
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return nil, "", fmt.Errorf("user %s: %w", username, err)
	}
	cred := &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	gids, err := u.GroupIds()
	if err != nil {
		return nil, "", fmt.Errorf("user %s: groups: %w", username, err)
	}
	for _, g := range gids {
		n, err := strconv.ParseUint(g, 10, 32)
		if err != nil {
			return nil, "", fmt.Errorf("user %s: group %q: %w", username, g, err)
		}
		cred.Groups = append(cred.Groups, uint32(n))
	}
	return cred, u.HomeDir, nil
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
