package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// Fake is an Engine for tests, without an engine: what it shows is read from a JSON
// file (FakeState), so a test sets the scene in a file and runs the command.
type Fake struct {
	Path string
}

// FakeState is the Fake's file.
type FakeState struct {
	// Err, when set, is what every call returns: "unreachable", "permission" or any
	// other message.
	Err        string      `json:"err,omitempty"`
	Containers []Container `json:"containers"`
	// Logs by container name: lines starting with an RFC 3339 timestamp, as
	// `docker logs --timestamps` prints them.
	Logs map[string]string `json:"logs,omitempty"`
	// Images by the reference or ID they are inspected as.
	Images map[string]Image `json:"images,omitempty"`
}

var _ Engine = (*Fake)(nil)

func (f *Fake) read() (*FakeState, error) {
	data, err := os.ReadFile(f.Path)
	if err != nil {
		return nil, err
	}
	s := &FakeState{}
	if err := json.Unmarshal(data, s); err != nil {
		return nil, fmt.Errorf("fake engine state %s: %w", f.Path, err)
	}
	switch s.Err {
	case "":
		return s, nil
	case "unreachable":
		return nil, fmt.Errorf("%w: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running? (is docker.service running? systemctl status docker)", ErrUnreachable)
	case "permission":
		return nil, fmt.Errorf("%w talking to the docker engine: add your user to the docker group (then log in again) or run khepri with sudo", ErrPermission)
	default:
		return nil, fmt.Errorf("%s", s.Err)
	}
}

// Containers implements Engine.
func (f *Fake) Containers(_ context.Context, projects ...string) ([]Container, error) {
	s, err := f.read()
	if err != nil {
		return nil, err
	}
	var out []Container
	for _, c := range s.Containers {
		if len(projects) == 0 || slices.Contains(projects, c.Project) {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b Container) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Logs implements Engine. Tail and Since are applied; Follow returns the same lines,
// then ends.
func (f *Fake) Logs(_ context.Context, container string, opts LogOptions) (io.ReadCloser, error) {
	s, err := f.read()
	if err != nil {
		return nil, err
	}
	text, ok := s.Logs[container]
	if !ok {
		return nil, fmt.Errorf("docker: Error response from daemon: No such container: %s", container)
	}
	lines := strings.SplitAfter(text, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if opts.Since != "" {
		var kept []string
		for _, l := range lines {
			if ts, _, _ := strings.Cut(l, " "); ts >= opts.Since {
				kept = append(kept, l)
			}
		}
		lines = kept
	}
	if opts.Tail >= 0 && opts.Tail < len(lines) {
		lines = lines[len(lines)-opts.Tail:]
	}
	return io.NopCloser(strings.NewReader(strings.Join(lines, ""))), nil
}

// Exec implements Engine: it prints what it would run and returns status 0, or the
// status given as `exit N` in the command.
func (f *Fake) Exec(_ context.Context, container string, cmd []string, opts ExecOptions) error {
	if _, err := f.read(); err != nil {
		return err
	}
	fmt.Fprintf(opts.Stdout, "exec in %s (tty %v): %q\n", container, opts.TTY, cmd)
	if len(cmd) == 2 && cmd[0] == "exit" {
		var code int
		if _, err := fmt.Sscan(cmd[1], &code); err == nil && code != 0 {
			return &ExitError{Code: code}
		}
	}
	return nil
}

// Images implements Engine.
func (f *Fake) Images(_ context.Context, names ...string) (map[string]Image, error) {
	s, err := f.read()
	if err != nil {
		return nil, err
	}
	out := map[string]Image{}
	for _, n := range names {
		if i, ok := s.Images[n]; ok {
			out[n] = i
		}
	}
	return out, nil
}
