package systemd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"sync"
)

// Fake is a Manager and Journal for tests, without systemd: the units' states live in a
// JSON file (FakeState), so that a test can set them up, run the command, and read
// what the command did.
type Fake struct {
	Path string
	mu   sync.Mutex
}

// FakeState is the Fake's file.
type FakeState struct {
	// Units by name; a job on a unit missing here fails as systemd's does for a unit
	// that is not loaded.
	Units map[string]State `json:"units"`
	// Wants lists the units a target starts and stops with it.
	Wants map[string][]string `json:"wants,omitempty"`
	// Fail makes a unit's start or restart job end with this result ("failed",
	// "timeout", ...) and leaves the unit failed.
	Fail map[string]string `json:"fail,omitempty"`
	// Journal holds each unit's log.
	Journal map[string]string `json:"journal,omitempty"`
	// Jobs records every job, "start UNIT", in order.
	Jobs []string `json:"jobs"`
}

var _ Manager = (*Fake)(nil)
var _ Journal = (*Fake)(nil)

func (f *Fake) update(fn func(*FakeState) error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, err := f.read()
	if err != nil {
		return err
	}
	if err := fn(s); err != nil {
		return err
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(f.Path, append(data, '\n'), 0o644)
}

func (f *Fake) read() (*FakeState, error) {
	s := &FakeState{}
	data, err := os.ReadFile(f.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, s); err != nil {
		return nil, fmt.Errorf("fake systemd state %s: %w", f.Path, err)
	}
	return s, nil
}

func (f *Fake) job(kind, unit string, to State) error {
	var jobErr error
	err := f.update(func(s *FakeState) error {
		s.Jobs = append(s.Jobs, kind+" "+unit)
		if _, ok := s.Units[unit]; !ok {
			return fmt.Errorf("%s %s: Unit %s not found.", kind, unit, unit)
		}
		if result, ok := s.Fail[unit]; ok && kind != "stop" {
			s.Units[unit] = State{Load: "loaded", Active: "failed", Sub: "failed"}
			jobErr = &JobError{Unit: unit, Job: kind, Result: result}
			return nil
		}
		for _, u := range append([]string{unit}, s.Wants[unit]...) {
			if _, ok := s.Units[u]; ok {
				s.Units[u] = to
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return jobErr
}

// Start implements Manager.
func (f *Fake) Start(_ context.Context, unit string) error {
	return f.job("start", unit, State{Load: "loaded", Active: "active", Sub: "running"})
}

// Stop implements Manager.
func (f *Fake) Stop(_ context.Context, unit string) error {
	return f.job("stop", unit, State{Load: "loaded", Active: "inactive", Sub: "dead"})
}

// Restart implements Manager.
func (f *Fake) Restart(_ context.Context, unit string) error {
	return f.job("restart", unit, State{Load: "loaded", Active: "active", Sub: "running"})
}

// States implements Manager.
func (f *Fake) States(_ context.Context, units []string) (map[string]State, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, err := f.read()
	if err != nil {
		return nil, err
	}
	out := map[string]State{}
	for _, u := range slices.Compact(slices.Sorted(slices.Values(units))) {
		st, ok := s.Units[u]
		if !ok {
			st = State{Load: "not-found", Active: "inactive", Sub: "dead"}
		}
		out[u] = st
	}
	return out, nil
}

// Tail implements Journal.
func (f *Fake) Tail(_ context.Context, unit string, _ int) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, err := f.read()
	if err != nil {
		return "", err
	}
	return s.Journal[unit], nil
}

// Close implements Manager.
func (f *Fake) Close() error { return nil }
