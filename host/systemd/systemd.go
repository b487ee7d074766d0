// Package systemd drives the compositions' units: jobs (start, stop, restart) and
// their states through systemd's D-Bus API, and the last journal lines of a unit that
// failed. The command depends on the Manager and Journal interfaces, so tests use Fake.
package systemd

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"

	sddbus "github.com/coreos/go-systemd/v22/dbus"
)

// State is a unit's state as `systemctl status` shows it.
type State struct {
	// Load is "loaded", "not-found", ...
	Load string `json:"load"`
	// Active is "active", "inactive", "failed", "activating", "deactivating", ...
	Active string `json:"active"`
	// Sub is the unit type's finer state: "running", "exited", "dead", ...
	Sub string `json:"sub"`
}

// Manager is systemd's service manager.
type Manager interface {
	// Start, Stop and Restart queue a job for the unit ("replace" mode, as systemctl
	// does) and wait until systemd has finished it. A job that does not end "done" is
	// a *JobError.
	Start(ctx context.Context, unit string) error
	Stop(ctx context.Context, unit string) error
	Restart(ctx context.Context, unit string) error
	// States returns the state of each unit; an unknown unit is "not-found".
	States(ctx context.Context, units []string) (map[string]State, error)
	Close() error
}

// Journal reads a unit's log.
type Journal interface {
	// Tail returns the unit's last lines of log.
	Tail(ctx context.Context, unit string, lines int) (string, error)
}

// JobError is a job that systemd finished without success.
type JobError struct {
	Unit string
	// Job is "start", "stop" or "restart".
	Job string
	// Result is systemd's job result: "failed", "timeout", "dependency", "canceled", ...
	Result string
}

func (e *JobError) Error() string {
	return fmt.Sprintf("%s %s: job %s", e.Job, e.Unit, e.Result)
}

// ErrPermission: systemd refused the job to this user.
var ErrPermission = errors.New("systemd refused the job to this user: run khepri with sudo")

// DBus is the Manager of the running system, over D-Bus.
type DBus struct {
	conn *sddbus.Conn
}

// Connect connects to the system's service manager.
func Connect(ctx context.Context) (*DBus, error) {
	conn, err := sddbus.NewWithContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("connect to systemd over D-Bus: %w (khepri needs a running systemd: is this the NixOS host?)", err)
	}
	return &DBus{conn: conn}, nil
}

// Close implements Manager.
func (d *DBus) Close() error {
	d.conn.Close()
	return nil
}

type jobFunc func(ctx context.Context, name, mode string, ch chan<- string) (int, error)

func (d *DBus) job(ctx context.Context, kind string, f jobFunc, unit string) error {
	ch := make(chan string, 1)
	if _, err := f(ctx, unit, "replace", ch); err != nil {
		if isAccessDenied(err) {
			return fmt.Errorf("%s %s: %w", kind, unit, ErrPermission)
		}
		return fmt.Errorf("%s %s: %w", kind, unit, err)
	}
	select {
	case result := <-ch:
		if result != "done" {
			return &JobError{Unit: unit, Job: kind, Result: result}
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s %s: %w", kind, unit, ctx.Err())
	}
}

func isAccessDenied(err error) bool {
	s := err.Error()
	return strings.Contains(s, "Access denied") || strings.Contains(s, "Interactive authentication required") ||
		strings.Contains(s, "AccessDenied")
}

// Start implements Manager.
func (d *DBus) Start(ctx context.Context, unit string) error {
	return d.job(ctx, "start", d.conn.StartUnitContext, unit)
}

// Stop implements Manager.
func (d *DBus) Stop(ctx context.Context, unit string) error {
	return d.job(ctx, "stop", d.conn.StopUnitContext, unit)
}

// Restart implements Manager.
func (d *DBus) Restart(ctx context.Context, unit string) error {
	return d.job(ctx, "restart", d.conn.RestartUnitContext, unit)
}

// States implements Manager.
func (d *DBus) States(ctx context.Context, units []string) (map[string]State, error) {
	statuses, err := d.conn.ListUnitsByNamesContext(ctx, units)
	if err != nil {
		return nil, fmt.Errorf("read unit states: %w", err)
	}
	out := make(map[string]State, len(units))
	for _, s := range statuses {
		out[s.Name] = State{Load: s.LoadState, Active: s.ActiveState, Sub: s.SubState}
	}
	for _, u := range units {
		if _, ok := out[u]; !ok {
			out[u] = State{Load: "not-found", Active: "inactive", Sub: "dead"}
		}
	}
	return out, nil
}

// Journalctl is the Journal of the running system, read with journalctl.
type Journalctl struct{}

// Tail implements Journal.
func (Journalctl) Tail(ctx context.Context, unit string, lines int) (string, error) {
	out, err := exec.CommandContext(ctx, "journalctl", "--unit", unit, "--lines", strconv.Itoa(lines), "--no-pager", "--quiet").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("journalctl --unit %s: %w: %s", unit, err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}
