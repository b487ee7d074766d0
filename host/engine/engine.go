// Package engine is what the khepri command asks of the container engine (docker or
// podman): the state of the compositions' containers, their logs, and exec. It drives
// the engine's command line, as a user would, so it talks to the same daemon (or, for
// podman, the same storage) with the same permissions.
package engine

import (
	"context"
	"errors"
	"io"
	"strconv"
	"time"
)

// The labels compose puts on a container, which khepri's containers carry too; they
// tie an engine's container to a composition's service.
const (
	ProjectLabel = "com.docker.compose.project"
	ServiceLabel = "com.docker.compose.service"
)

// Container is an engine's view of one container.
type Container struct {
	ID      string
	Name    string
	Project string
	Service string
	// Image is the reference the container was started from, as it was given.
	Image string
	// ImageID is the ID of the image the container runs ("sha256:<hex>"), whatever
	// the reference names now.
	ImageID string
	// State is the engine's status: "running", "exited", "created", "restarting", ...
	State string
	// Health is "healthy", "unhealthy" or "starting", or "" without a healthcheck.
	Health    string
	StartedAt time.Time
	ExitCode  int
	// Ports are the published ports, "0.0.0.0:8000->8000/tcp", sorted.
	Ports []string
}

// LogOptions select a container's log lines, as `docker logs` does.
type LogOptions struct {
	// Since is a timestamp or a duration relative to now ("10m"), passed on as is.
	Since string
	// Tail is the number of lines from the end; negative for all.
	Tail   int
	Follow bool
}

// ExecOptions are an exec's streams and whether it gets a terminal.
type ExecOptions struct {
	TTY    bool
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// Image is an engine's view of one local image.
type Image struct {
	// ID is the image's ID, "sha256:<hex>" on both engines.
	ID string `json:"id"`
	// RepoDigests are the registry digests it was pulled or pushed as, "repo@sha256:…".
	RepoDigests []string `json:"repoDigests,omitempty"`
}

// Engine is the container engine.
type Engine interface {
	// Containers returns the containers labelled with one of the compose projects
	// (every labelled container when projects is empty), sorted by name.
	Containers(ctx context.Context, projects ...string) ([]Container, error)
	// Logs streams a container's stdout and stderr, each line starting with an
	// RFC 3339 timestamp, until the log ends (or, when following, ctx is done).
	Logs(ctx context.Context, container string, opts LogOptions) (io.ReadCloser, error)
	// Exec runs a command in a running container. A command that ran and failed is an
	// *ExitError with its status.
	Exec(ctx context.Context, container string, cmd []string, opts ExecOptions) error
	// Images inspects local images, each named by a reference or an ID; one that is not
	// there is missing from the result, which is no error.
	Images(ctx context.Context, names ...string) (map[string]Image, error)
}

// Errors the command turns into advice; errors.Is finds them in an engine's errors.
var (
	// ErrUnreachable: no engine answers (not installed, not running).
	ErrUnreachable = errors.New("engine not reachable")
	// ErrPermission: the engine refused this user.
	ErrPermission = errors.New("permission denied")
)

// ExitError is a command's exit status, from exec.
type ExitError struct {
	Code int
}

func (e *ExitError) Error() string {
	return "command exited with status " + strconv.Itoa(e.Code)
}
