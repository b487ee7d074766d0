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
	"maps"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"google.golang.org/protobuf/reflect/protoreflect"

	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// Runner does with an ExpandResponse what a NixOS host with
// virtualisation.oci-containers.backend = "docker" or "podman" does with the containers,
// units and targets khepri gives it, closely enough that a container it starts is
// configured as the NixOS one would be. It follows nixpkgs'
// nixos/modules/virtualisation/oci-containers.nix at revision
// 035a24e7ed33009b8a503ad0b76679665b8977a8.
//
//   - Units start in dependency order: a unit starts after every unit of the response
//     that its `after`, `requires` or `wants` name (systemd's ordering; units outside the
//     response, such as docker.service or a rootless user's user@<uid>.service, are taken
//     as running). Ties break by unit name, so a run is repeatable. Stop is the reverse
//     order, as systemd stops a target.
//   - khepri's own units (network and volume creation, and image builds, which have the
//     khepri command first on their PATH as nixlib/nixos.nix puts it there) run their
//     `script`, and on stop their `preStop`, with bash after `set -e`: NixOS's
//     makeJobScript. Every command runs in /, as systemd runs a unit's; a unit whose
//     serviceConfig has User= runs them as that user, with the ids, groups, HOME, USER
//     and LOGNAME systemd gives it, and its serviceConfig Environment= in the
//     environment.
//   - A container's unit is `docker-NAME` or `podman-NAME`, and its commands are those of
//     nixpkgs' oci-containers.nix (mkService) for the backend. Its ExecStartPre is the
//     unit's `preStart`, then the module's pre-start, `BACKEND rm -f NAME || true`
//     (then `BACKEND load -i IMAGEFILE` for an imageFile; podman: then
//     `rm -f /run/NAME/ctr-id`): NixOS defines the entry `preStart`
//     becomes inside the unit's own module, so it comes first in the merged list
//     (tests/module/cases/container-units.nix holds that order). Its main process is
//     `exec BACKEND run --name=…` with its arguments in its order, escaped where it
//     escapes them (lib.escapeShellArg): --log-driver and the image unescaped,
//     --entrypoint, --hostname, podman's
//     `--cidfile=/run/NAME/ctr-id --cgroups=enabled --sdnotify=conmon -d --replace`,
//     environment, environment files, ports, user, volumes, labels (environment and
//     labels in attribute-name order), workdir, --privileged, --rm, capabilities added
//     then dropped, devices, `--pull missing`, extraOptions, the image, then cmd.
//   - docker's unit is Type=simple: `docker run` runs in the foreground as the unit's
//     main process, and the unit counts as started as soon as it is spawned, before the
//     image is pulled or the container exists. The runner goes on to ExecStartPost right
//     away, with the process's pid in $MAINPID as systemd gives it, then to the next
//     unit. A start fails when ExecStartPost fails or when the main process has already
//     exited non-zero by the time ExecStartPost is done, as systemd's does. On stop
//     the runner runs the unit's `preStop` (khepri's pre_stop hooks, which
//     nixlib/nixos.nix puts first) and `docker stop NAME || true`, sends SIGTERM to the
//     main process if it is still running, waits for it (SIGKILL after two minutes), and
//     runs `docker rm -f NAME || true`: ExecStop, systemd's kill, ExecStopPost.
//   - podman's unit is Type=notify and its run line detaches (`-d`): the runner runs the
//     line to its end, by which time the container runs, as systemd's start waits for
//     conmon's notification. It stops with the unit's `preStop`, then
//     `podman stop --ignore --cidfile=…` and `podman rm -f --ignore --cidfile=…`.
//   - A podman container's unit runs as its `podman.user` (root when unset), as
//     oci-containers' User= does, with PODMAN_SYSTEMD_UNIT set as its Environment= does:
//     a rootless container's every command (ExecStartPre, run, ExecStartPost, stop)
//     runs in that user's podman. Its RuntimeDirectory=NAME, /run/NAME owned by that
//     user, is made before the start and removed after the stop.
//
// Deviations from NixOS, each forced by running without systemd or by this engine:
//
//   - systemd's Restart= (khepri's restart policy) is not exercised: a main process
//     that exits is not started again. On podman nothing waits for conmon's sd_notify
//     (the runner sets no NOTIFY_SOCKET) and ExecStartPost gets no $MAINPID.
//   - systemctl: ExecStartPost finds, first on its PATH, a stand-in for systemd's
//     `systemctl show --property=ExecMainStatus --value UNIT`, the only systemctl call
//     khepri's units make (see systemctlStandIn); it answers from the runner's record of
//     the unit's main process.
//   - `--log-driver=journald` is left out when the host has no journald socket (docker
//     and podman refuse to start the container); the engine's default driver is used.
//   - docker, several networks: docker before 25 (API 1.44) refuses more than one
//     `--network` on `docker run` ("Container cannot be connected to network
//     endpoints"). On such an engine the main process is instead `docker create` with
//     the same arguments but only the first `--network=name=N,alias=A…` (verbatim), then
//     `docker network connect --alias A… N NAME` for each further network, then
//     `exec docker start -a NAME`: the container still starts with every network
//     attached, in the foreground of the unit's main process. Every other argument
//     stays verbatim. podman takes several --network flags: its line is always verbatim.
//   - podman's stop: podman before 4.7 fails `--ignore --cidfile=F` when F is missing
//     (containers/podman#19546), which later podman takes as nothing to stop. When the
//     cidfile is missing (the container never started) the runner runs neither stop
//     command, which is what later podman does.
//   - podman runs a container's healthcheck from a systemd timer (root's, or the
//     rootless user's manager's), which a host without systemd lacks. The runner stands
//     in for it: while a podman container with a healthcheck runs, it runs
//     `podman healthcheck run NAME` as the unit's user every half second, more often
//     than the healthcheck's interval, which only makes health known sooner.
//   - A container unit's `preStart` and `postStart` (khepri's readiness waits, its
//     copies of secrets, and post_start hooks) run with bash, as NixOS's ExecStartPre and
//     ExecStartPost scripts do. An ExecStartPre or ExecStartPost in its serviceConfig
//     fails the run: NixOS refuses it at evaluation (nixlib/nixos.nix).
//   - Env is added to every command's environment, as root or as a unit's user: what
//     the host's own configuration gives the engine on NixOS (for the tests, a
//     containers.conf chosen with CONTAINERS_CONF).
//   - The unit of a container with environment files has Khepri before the rest of its
//     PATH, as nixlib/nixos.nix puts the khepri package on it; a RuntimeDirectory= of a
//     unit's serviceConfig (khepri sets one for docker units that write env files) is
//     made as the podman unit's is, and removed after the stop.
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
	// Khepri is the directory of the khepri command, for the units that run it.
	Khepri string

	started []string
	// timers stop the healthcheck timers of running podman containers, by container.
	timers map[string]context.CancelFunc
	// mains are the main processes of started docker container units, by unit.
	mains map[string]*mainProcess
	// sysDir holds the systemctl stand-in and the exit statuses it answers with.
	sysDir string
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
	// build: a unit building an image, which has the khepri command on its PATH.
	build bool
}

func (r *Runner) units() map[string]unit {
	us := map[string]unit{}
	for name, s := range r.Resp.GetServices() {
		us[name] = unit{name: name, svc: s}
	}
	for name, s := range r.Resp.GetBuilds() {
		us[name] = unit{name: name, svc: s, build: true}
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
	for _, n := range slices.Sorted(maps.Keys(us)) {
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

// Settle waits until the container of every started docker unit has started, or the
// unit's main process has ended, and returns an error naming a main process that
// failed. It is no part of NixOS, where `systemctl start` returns as Start does, while
// a container that nothing waits for may still be pulling its image: it lets a test
// look at such containers.
func (r *Runner) Settle(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	us := r.units()
	for _, n := range r.started {
		p, ok := r.mains[n]
		if !ok {
			continue
		}
		ctr := us[n].container
	wait:
		for {
			out, err := exec.CommandContext(ctx, "docker", "inspect", "--format", "{{.State.StartedAt}}", ctr).Output()
			if err == nil && strings.TrimSpace(string(out)) != neverStarted {
				break
			}
			select {
			case <-p.done:
				if err := p.failed(); err != nil {
					return fmt.Errorf("unit %s: %w", n, err)
				}
				break wait
			case <-ctx.Done():
				return fmt.Errorf("unit %s: container %s did not start: %w", n, ctr, ctx.Err())
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	return nil
}

// neverStarted is the StartedAt that docker inspect gives a container not started yet.
const neverStarted = "0001-01-01T00:00:00Z"

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
	if r.sysDir != "" && len(r.mains) == 0 {
		fail(os.RemoveAll(r.sysDir))
		r.sysDir = ""
	}
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
	if len(r.Resp.GetContainers()[u.container].GetEnvironmentFiles()) > 0 || u.build {
		id.env = append(id.env, "PATH="+r.Khepri+":"+os.Getenv("PATH"))
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
	id, err := r.identity(u)
	if err != nil {
		return err
	}
	backend := r.backend()
	if backend == "podman" {
		// systemd makes the RuntimeDirectory, owned by the unit's user, before the start.
		if err := makeRuntimeDir(runtimeDir(u.container), id.user); err != nil {
			return err
		}
	}
	// systemd makes a RuntimeDirectory khepri adds (docker units) before the start too.
	if dir, ok := u.svc.GetServiceConfig()["RuntimeDirectory"]; ok {
		if err := makeRuntimeDir("/run/"+dir, id.user); err != nil {
			return err
		}
	}
	if pre := u.svc.GetPreStart(); pre != "" {
		if err := r.bash(ctx, id, pre); err != nil {
			return fmt.Errorf("ExecStartPre: %w", err)
		}
	}
	pre := fmt.Sprintf("%s rm -f %s || true", backend, u.container)
	if f := c.GetImageFile(); f != "" {
		pre += fmt.Sprintf("\n%s load -i %s", backend, f)
	}
	if backend == "podman" {
		pre += fmt.Sprintf("\nrm -f /run/%s/ctr-id", escapeShellArg(u.container))
	}
	if err := r.bash(ctx, id, pre); err != nil {
		return err
	}
	run := r.runScript(u.container, c)
	postID := id
	var main *mainProcess
	if backend == "docker" {
		// Type=simple: started once spawned; ExecStartPost follows at once.
		if main, err = r.startMain(u, id, run); err != nil {
			return err
		}
		postID.env = append(slices.Clone(id.env), fmt.Sprintf("MAINPID=%d", main.cmd.Process.Pid), "PATH="+r.sysDir+":"+r.path(id))
	} else if err := r.bash(ctx, id, run); err != nil {
		return err
	}
	if backend == "podman" && hasHealthcheck(c) {
		r.startHealthTimer(u.container, id)
	}
	// postStart is where khepri waits for readiness (running, health, completion) and
	// runs post_start hooks; systemd counts the unit as started after it.
	if post := u.svc.GetPostStart(); post != "" {
		if err := r.bash(ctx, postID, post); err != nil {
			return fmt.Errorf("ExecStartPost: %w", err)
		}
	}
	if main != nil {
		return main.failed()
	}
	return nil
}

// path is the PATH a unit's commands get: the last one Env or the unit's environment
// sets, else the runner's own.
func (r *Runner) path(id identity) string {
	p := os.Getenv("PATH")
	for _, kv := range append(slices.Clone(r.Env), id.env...) {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			p = v
		}
	}
	return p
}

// mainProcess is a docker container unit's main process: `docker run` in the
// foreground, as systemd keeps it.
type mainProcess struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
	// status is its exit status, or the number of the signal that killed it; set
	// before done is closed.
	status int
}

// startMain spawns a unit's main process and records its exit status for the systemctl
// stand-in when it ends.
func (r *Runner) startMain(u unit, id identity, script string) (*mainProcess, error) {
	if err := r.ensureSysDir(); err != nil {
		return nil, err
	}
	if r.Logf != nil {
		r.Logf("$ (main process of %s) %s", u.name, script)
	}
	// Not bound by the start's context: the process lives until the unit stops.
	cmd, err := command(context.Background(), id.user, append(slices.Clone(r.Env), id.env...), "bash", "-c", "set -e\n"+script)
	if err != nil {
		return nil, err
	}
	p := &mainProcess{cmd: cmd, out: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	status := filepath.Join(r.sysDir, u.name+".service.ExecMainStatus")
	if err := os.Remove(status); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	if r.mains == nil {
		r.mains = map[string]*mainProcess{}
	}
	r.mains[u.name] = p
	go func() {
		_ = cmd.Wait()
		ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
		p.status = ws.ExitStatus()
		if ws.Signaled() {
			p.status = int(ws.Signal())
		}
		// systemd has the status before the pid is gone; the runner writes it only
		// after reaping the process, so the stand-in waits for the file.
		tmp := status + ".tmp"
		if err := os.WriteFile(tmp, []byte(strconv.Itoa(p.status)+"\n"), 0o644); err == nil {
			_ = os.Rename(tmp, status)
		}
		close(p.done)
	}()
	return p, nil
}

// failed is the start's verdict on the main process: an error when it has already
// exited non-zero, as systemd fails a start whose main process failed meanwhile.
func (p *mainProcess) failed() error {
	select {
	case <-p.done:
		if p.status != 0 {
			return fmt.Errorf("main process exited with status %d: %s", p.status, strings.TrimSpace(p.out.String()))
		}
	default:
	}
	return nil
}

// stop ends the main process as systemd does after ExecStop: SIGTERM, then SIGKILL
// when it outlives the timeout.
func (p *mainProcess) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(2 * time.Minute):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// syncBuffer collects a process's output while the runner may read it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// systemctlStandIn answers `systemctl show --property=ExecMainStatus --value UNIT` as
// systemd does: the exit status of the unit's main process once it has exited, 0 while
// it runs. The runner records the status only after reaping the process, which a
// script can see gone a moment earlier, so it waits a little for the record.
const systemctlStandIn = `#!/bin/sh
if [ "$#" != 4 ] || [ "$1 $2 $3" != "show --property=ExecMainStatus --value" ]; then
  echo "systemctl stand-in of the engine runner: $* is not supported" >&2
  exit 1
fi
f="$(dirname "$0")/$4.ExecMainStatus"
i=0
while [ ! -e "$f" ] && [ "$i" -lt 100 ]; do
  sleep 0.05
  i=$((i + 1))
done
if [ -e "$f" ]; then cat "$f"; else echo 0; fi
`

// ensureSysDir makes the directory of the systemctl stand-in.
func (r *Runner) ensureSysDir() error {
	if r.sysDir != "" {
		return nil
	}
	dir, err := os.MkdirTemp("", "khepri-runner-")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "systemctl"), []byte(systemctlStandIn), 0o755); err != nil {
		_ = os.RemoveAll(dir)
		return err
	}
	r.sysDir = dir
	return nil
}

// stopContainer runs the unit's ExecStop and ExecStopPost, ending a docker unit's main
// process between them as systemd does; ExecStopPost runs even when ExecStop fails, as
// systemd runs it.
func (r *Runner) stopContainer(ctx context.Context, u unit, id identity) error {
	name := u.container
	if stop, ok := r.timers[name]; ok {
		stop()
		delete(r.timers, name)
	}
	// ExecStop: the unit's preStop (pre_stop hooks), which nixlib/nixos.nix puts before
	// oci-containers' own with mkBefore, then that.
	hooks := u.svc.GetPreStop()
	if r.backend() == "docker" {
		err := r.bash(ctx, id, hooks+fmt.Sprintf("docker stop %s || true", name))
		if p, ok := r.mains[u.name]; ok {
			p.stop()
			delete(r.mains, u.name)
		}
		err = errors.Join(err, r.bash(ctx, id, fmt.Sprintf("docker rm -f %s || true", name)))
		// systemd removes the RuntimeDirectory when the unit stops.
		if dir, ok := u.svc.GetServiceConfig()["RuntimeDirectory"]; ok {
			err = errors.Join(err, os.RemoveAll("/run/"+dir))
		}
		return err
	}
	dir := runtimeDir(name)
	var first error
	if hooks != "" {
		first = r.bash(ctx, id, hooks)
	}
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

// runScript renders the script of a container unit's main process: oci-containers'
// start script, with the deviations in Runner's doc (for an old docker engine, the
// create, `docker network connect` and `docker start -a` lines).
func (r *Runner) runScript(name string, c *khepriv1.Container) string {
	backend := r.backend()
	opts := c.GetExtraOptions()
	var connects []string
	verb := "run"
	if backend == "docker" && !r.MultiNetworkRun {
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
	args := []string{"exec " + backend, verb, "--name=" + escapeShellArg(name)}
	if c.LogDriver != nil {
		// oci-containers does not escape the log driver.
		args = append(args, "--log-driver="+c.GetLogDriver())
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
	for _, k := range slices.Sorted(maps.Keys(c.GetEnvironment())) {
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
	for _, k := range slices.Sorted(maps.Keys(c.GetLabels())) {
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
		for _, k := range slices.Sorted(maps.Keys(c.GetCapabilities())) {
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
	if len(connects) == 0 {
		return script
	}
	// exec would end the script before the connects; create returns at once, and the
	// container then starts attached, in the foreground as `docker run` would run it.
	lines := append([]string{strings.TrimPrefix(script, "exec ") + " >/dev/null"}, connects...)
	return strings.Join(append(lines, "exec docker start -a "+escapeShellArg(name)), "\n")
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
	"image": true, "image_file": true, "cmd": true, "entrypoint": true, "environment": true,
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
// systemd's restart policy, which the runner does not exercise (see Runner).
var knownServiceConfig = map[string]bool{
	"Type": true, "RemainAfterExit": true,
	// How long systemd waits for the stop; the runner's stop waits for the engine's stop.
	"TimeoutStopSec": true,
	// Who runs the unit's commands, and what they find in their environment.
	"User": true, "Environment": true, "RuntimeDirectory": true,
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
		if c.GetImageStream() != "" {
			return fmt.Errorf("container %s: imageStream is not run by the engine runner", name)
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
