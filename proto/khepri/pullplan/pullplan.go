// Package pullplan is what a composition's pull unit keeps current: the plugin writes a
// plan as one argument of the unit's `khepri pull-images` command, and the command reads
// it there. Services whose compose pull_policy is daily, weekly, every_<duration> or
// refresh (with pull_refresh_after) are in it; the command pulls each image once its
// interval has passed since its last pull, and restarts, through their units, exactly
// the containers that run another image than the one the tag now names.
package pullplan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Plan is one composition's scheduled pulls.
type Plan struct {
	Composition string `json:"composition"`
	// Backend is "docker" or "podman".
	Backend string `json:"backend"`
	// User runs a rootless composition in that user's podman; "" for root's engine.
	User string `json:"user,omitempty"`
	// UID is the user's uid.
	UID uint32 `json:"uid,omitempty"`
	// Services are the services to keep current, in start order (dependencies first,
	// then by name), which is the order their units are restarted in.
	Services []Service `json:"services"`
	// Pinned are the services with a scheduled policy whose image the image lock pins
	// to a digest: they are never re-pulled, and the command says so.
	Pinned []string `json:"pinned,omitempty"`
}

// Service is one service whose image follows a tag.
type Service struct {
	Name string `json:"name"`
	// Image is the reference its containers run, as they are given it.
	Image string `json:"image"`
	// Every is the least time between two pulls of the image (Go's duration syntax).
	Every string `json:"every"`
	// Containers are the engine names of the service's containers, replica order.
	Containers []string `json:"containers"`
	// Units are their systemd units, in the same order.
	Units []string `json:"units"`
}

// Parse decodes and checks a plan.
func Parse(data []byte) (*Plan, error) {
	var p Plan
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("pull plan: %w", err)
	}
	if p.Composition == "" {
		return nil, fmt.Errorf("pull plan: no composition")
	}
	if p.Backend != "docker" && p.Backend != "podman" {
		return nil, fmt.Errorf("pull plan: backend %q: want \"docker\" or \"podman\"", p.Backend)
	}
	if p.User != "" && (p.Backend != "podman" || p.UID == 0) {
		return nil, fmt.Errorf("pull plan: runs as %s: that needs the podman backend and the user's uid", p.User)
	}
	for _, s := range p.Services {
		if s.Name == "" || s.Image == "" {
			return nil, fmt.Errorf("pull plan: each service needs a name and an image")
		}
		if d, err := time.ParseDuration(s.Every); err != nil || d <= 0 {
			return nil, fmt.Errorf("pull plan: service %s: interval %q is not a positive duration", s.Name, s.Every)
		}
		if len(s.Units) != len(s.Containers) || len(s.Units) == 0 {
			return nil, fmt.Errorf("pull plan: service %s: each container needs its unit", s.Name)
		}
	}
	return &p, nil
}

// Marshal renders a plan as compact JSON with sorted pinned names, so that the same
// plan is the same bytes (the unit's text, and so the system's closure, depend on it).
func (p Plan) Marshal() ([]byte, error) {
	p.Pinned = slices.Sorted(slices.Values(p.Pinned))
	if p.Services == nil {
		p.Services = []Service{}
	}
	return json.Marshal(p)
}
