package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// CLI is an Engine that runs the engine's command line: `docker` or `podman`.
type CLI struct {
	// Backend is "docker" or "podman"; it names the binary run, found on PATH.
	Backend string
	// As runs the command as another user, in that user's rootless podman; nil runs
	// it as this process.
	As *User
}

// User is the account a rootless podman belongs to.
type User struct {
	Name     string
	UID, GID uint32
	Home     string
}

// New returns the engine of a backend, as seen by user as (nil: this process).
func New(backend string, as *User) *CLI {
	return &CLI{Backend: backend, As: as}
}

// command runs the engine's command line, as c.As when set: with the environment the
// user's own units give podman, which finds its storage from HOME and its state in
// XDG_RUNTIME_DIR.
func (c *CLI) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, c.Backend, args...)
	if u := c.As; u != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: u.UID, Gid: u.GID}}
		cmd.Dir = u.Home
		cmd.Env = append(os.Environ(), "HOME="+u.Home, "USER="+u.Name, "LOGNAME="+u.Name,
			fmt.Sprintf("XDG_RUNTIME_DIR=/run/user/%d", u.UID))
	}
	return cmd
}

// Containers implements Engine.
func (c *CLI) Containers(ctx context.Context, projects ...string) ([]Container, error) {
	var err error
	// A container removed between the listing and the inspection (a unit restarting
	// it) fails the inspection; a second listing no longer holds it.
	for range 2 {
		var out []byte
		out, err = c.output(ctx, "container", "ls", "--all", "--quiet", "--no-trunc", "--filter", "label="+ProjectLabel)
		if err != nil {
			return nil, err
		}
		ids := strings.Fields(string(out))
		if len(ids) == 0 {
			return nil, nil
		}
		// One label filter finds every composition's containers; docker ANDs several
		// label filters, so decodeInspect picks the projects out.
		out, err = c.output(ctx, append([]string{"container", "inspect"}, ids...)...)
		if err == nil {
			return decodeInspect(out, projects)
		}
		if !strings.Contains(strings.ToLower(err.Error()), "no such") {
			return nil, err
		}
	}
	return nil, err
}

// inspected is the part of `docker container inspect` (and podman's, which follows
// it) that khepri reads.
type inspected struct {
	ID   string `json:"Id"`
	Name string `json:"Name"`
	// Image is the ID of the image the container runs.
	Image  string `json:"Image"`
	Config struct {
		Image  string            `json:"Image"`
		Labels map[string]string `json:"Labels"`
	} `json:"Config"`
	State struct {
		Status    string `json:"Status"`
		StartedAt string `json:"StartedAt"`
		ExitCode  int    `json:"ExitCode"`
		Health    *struct {
			Status string `json:"Status"`
		} `json:"Health"`
		// Podman before 4 called it Healthcheck.
		Healthcheck *struct {
			Status string `json:"Status"`
		} `json:"Healthcheck"`
	} `json:"State"`
	NetworkSettings struct {
		Ports map[string][]struct {
			HostIP   string `json:"HostIp"`
			HostPort string `json:"HostPort"`
		} `json:"Ports"`
	} `json:"NetworkSettings"`
}

func decodeInspect(data []byte, projects []string) ([]Container, error) {
	var raw []inspected
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("read the engine's container inspect output: %w", err)
	}
	var out []Container
	for _, r := range raw {
		project := r.Config.Labels[ProjectLabel]
		if len(projects) > 0 && !slices.Contains(projects, project) {
			continue
		}
		ct := Container{
			ID:       r.ID,
			Name:     strings.TrimPrefix(r.Name, "/"),
			Project:  project,
			Service:  r.Config.Labels[ServiceLabel],
			Image:    r.Config.Image,
			ImageID:  imageID(r.Image),
			State:    r.State.Status,
			ExitCode: r.State.ExitCode,
		}
		switch {
		case r.State.Health != nil:
			ct.Health = r.State.Health.Status
		case r.State.Healthcheck != nil:
			ct.Health = r.State.Healthcheck.Status
		}
		if t, err := time.Parse(time.RFC3339Nano, r.State.StartedAt); err == nil && t.Year() > 1 {
			ct.StartedAt = t
		}
		for port, binds := range r.NetworkSettings.Ports {
			for _, b := range binds {
				if b.HostPort == "" {
					continue
				}
				host := b.HostIP
				if host == "" {
					host = "0.0.0.0"
				}
				ct.Ports = append(ct.Ports, fmt.Sprintf("%s:%s->%s", host, b.HostPort, port))
			}
		}
		sort.Strings(ct.Ports)
		out = append(out, ct)
	}
	slices.SortFunc(out, func(a, b Container) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Logs implements Engine.
func (c *CLI) Logs(ctx context.Context, container string, opts LogOptions) (io.ReadCloser, error) {
	args := []string{"container", "logs", "--timestamps"}
	if opts.Since != "" {
		args = append(args, "--since", opts.Since)
	}
	if opts.Tail >= 0 {
		args = append(args, "--tail", strconv.Itoa(opts.Tail))
	}
	if opts.Follow {
		args = append(args, "--follow")
	}
	args = append(args, "--", container)

	cmd := c.command(ctx, args...)
	r, w := io.Pipe()
	// The container's stdout and stderr both are its log, as compose shows them.
	cmd.Stdout = w
	var stderr bytes.Buffer
	cmd.Stderr = &lockedLines{dst: w, copy: &stderr}
	if err := cmd.Start(); err != nil {
		return nil, c.classify(err, nil)
	}
	go func() {
		err := cmd.Wait()
		if err != nil && ctx.Err() == nil {
			w.CloseWithError(c.classify(err, stderr.Bytes()))
			return
		}
		w.Close()
	}()
	return r, nil
}

// lockedLines passes stderr on into the log and keeps a copy for the error message.
type lockedLines struct {
	dst  io.Writer
	copy *bytes.Buffer
}

func (l *lockedLines) Write(p []byte) (int, error) {
	l.copy.Write(p)
	return l.dst.Write(p)
}

// Exec implements Engine.
func (c *CLI) Exec(ctx context.Context, container string, command []string, opts ExecOptions) error {
	args := []string{"exec", "--interactive"}
	if opts.TTY {
		args = append(args, "--tty")
	}
	args = append(args, "--", container)
	args = append(args, command...)
	cmd := c.command(ctx, args...)
	cmd.Stdin, cmd.Stdout = opts.Stdin, opts.Stdout
	var stderr bytes.Buffer
	cmd.Stderr = io.MultiWriter(opts.Stderr, &stderr)
	err := cmd.Run()
	if err == nil {
		return nil
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) && !engineFailed(stderr.Bytes()) {
		return &ExitError{Code: exit.ExitCode()}
	}
	return c.classify(err, stderr.Bytes())
}

func (c *CLI) output(ctx context.Context, args ...string) ([]byte, error) {
	cmd := c.command(ctx, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, c.classify(err, stderr.Bytes())
	}
	return out, nil
}

// engineFailed tells from exec's stderr that the engine, not the command, failed:
// docker exits 1 for a missing container, podman 125, so the status cannot tell.
func engineFailed(stderr []byte) bool {
	last := strings.ToLower(lastLine(string(stderr)))
	for _, s := range []string{"error response from daemon", "no such container", "no container with name", "cannot connect to", "permission denied while trying to connect", "unable to connect to podman"} {
		if strings.Contains(last, s) {
			return true
		}
	}
	return false
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return strings.TrimSpace(s[i+1:])
	}
	return s
}

// classify turns a failed engine command into an error a person can act on.
func (c *CLI) classify(err error, stderr []byte) error {
	if errors.Is(err, exec.ErrNotFound) {
		return fmt.Errorf("%w: %s is not installed or not on PATH", ErrUnreachable, c.Backend)
	}
	msg := lastLine(string(stderr))
	low := strings.ToLower(msg)
	switch {
	case strings.Contains(low, "permission denied"):
		return fmt.Errorf("%w talking to the %s engine (%s): add your user to the %s group (then log in again) or run khepri with sudo", ErrPermission, c.Backend, msg, c.Backend)
	case strings.Contains(low, "cannot connect to the docker daemon"),
		strings.Contains(low, "is the docker daemon running"),
		strings.Contains(low, "unable to connect to podman"),
		strings.Contains(low, "connection refused"):
		return fmt.Errorf("%w: %s (is %s.service running? systemctl status %s)", ErrUnreachable, msg, c.Backend, c.Backend)
	case msg != "":
		return fmt.Errorf("%s: %s", c.Backend, msg)
	}
	return fmt.Errorf("%s: %w", c.Backend, err)
}
