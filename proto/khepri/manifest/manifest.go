// Package manifest is the record of a host's expanded compositions: the expander plugin
// writes it into its response, the NixOS module writes that to /etc/khepri/manifest.json
// as it is, and the khepri command reads it there, so that the command knows the
// compositions, their containers and their units without evaluating Nix.
package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// DefaultPath is where the NixOS module writes the manifest (`khepri.cli.enable`).
const DefaultPath = "/etc/khepri/manifest.json"

// Version is the manifest format this package reads and writes, the plugin writing it
// too; a reader meeting another one says so instead of guessing.
// Version 2 lists a service's containers, of which a scaled service has several;
// version 3 names the user whose rootless podman runs a composition.
const Version = 3

// Manifest is every composition of one host, as the expansion made it.
type Manifest struct {
	Version int `json:"version"`
	// Backend is `virtualisation.oci-containers.backend`: "docker" or "podman".
	Backend string `json:"backend"`
	// Compositions by name (`khepri.compositions.<name>`).
	Compositions map[string]Composition `json:"compositions"`
}

// Composition is one compose project on the host.
type Composition struct {
	// Target is the composition's systemd target, e.g. "khepri-paperless.target".
	Target string `json:"target"`
	// Units are khepri's own units of the composition (network and volume creation),
	// with their ".service" suffix, sorted.
	Units []string `json:"units"`
	// Networks are the engine names of the networks its services join, sorted.
	Networks []string `json:"networks"`
	// Volumes are the engine names of the named volumes its services mount, sorted.
	Volumes []string `json:"volumes"`
	// Services by compose service name.
	Services map[string]Service `json:"services"`
	// User runs a rootless composition, in that user's podman; "" for root's engine.
	User string `json:"user,omitempty"`
	// UID is the user's uid.
	UID uint32 `json:"uid,omitempty"`
}

// Service is one compose service: its containers, each run by one systemd unit, and
// what they all share.
type Service struct {
	// Containers are the service's replicas in compose's numbering: replica N (compose's
	// --index N) is Containers[N-1]. An unscaled service has one.
	Containers []Replica `json:"containers"`
	Image      string    `json:"image"`
	// Ports are the published ports as each container is given them.
	Ports []string `json:"ports"`
	// Networks are the engine names of the networks the containers join (none with a
	// network mode such as host).
	Networks []string `json:"networks"`
	// Volumes are each container's mounts as the engine is given them: the short
	// `source:target[:options]`, then the long syntax's --mount values.
	Volumes []string `json:"volumes"`
}

// Replica is one container of a service.
type Replica struct {
	// Container is the engine's container name.
	Container string `json:"container"`
	// Unit is the container's systemd unit, e.g. "docker-paperless-db.service".
	Unit string `json:"unit"`
}

// Parse decodes and checks a manifest.
func Parse(data []byte) (*Manifest, error) {
	// The version first, so that another format is named as such rather than by the
	// first field this one does not have.
	var v struct {
		Version int `json:"version"`
	}
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&v); err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	if v.Version != Version {
		return nil, fmt.Errorf("format version %d, but this khepri reads version %d: use the khepri of the running system (/run/current-system/sw/bin/khepri)", v.Version, Version)
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(data))
	// The module writes exactly these fields; another field is another format.
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	if m.Backend != "docker" && m.Backend != "podman" {
		return nil, fmt.Errorf("backend %q: want \"docker\" or \"podman\"", m.Backend)
	}
	m.normalize()
	for name, c := range m.Compositions {
		if c.Target == "" {
			return nil, fmt.Errorf("composition %s has no target", name)
		}
		if c.User != "" && (m.Backend != "podman" || c.UID == 0) {
			return nil, fmt.Errorf("composition %s runs as %s: that needs the podman backend and the user's uid", name, c.User)
		}
		for sname, s := range c.Services {
			if len(s.Containers) == 0 {
				return nil, fmt.Errorf("service %s.%s has no container", name, sname)
			}
			for _, r := range s.Containers {
				if r.Container == "" || r.Unit == "" {
					return nil, fmt.Errorf("service %s.%s: each container needs a name and a unit", name, sname)
				}
			}
		}
	}
	return &m, nil
}

// Marshal renders a manifest as stable JSON: keys sorted, two-space indent, a final
// newline, so the same manifest is the same bytes.
func (m *Manifest) Marshal() ([]byte, error) {
	m.normalize()
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// Marshal renders one composition as Manifest.Marshal renders it within the manifest.
func (c Composition) Marshal() ([]byte, error) {
	m := &Manifest{Compositions: map[string]Composition{"": c}}
	m.normalize()
	data, err := json.MarshalIndent(m.Compositions[""], "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// normalize gives absent lists and maps their empty value, so that a manifest read and
// written again is the same JSON as Nix's builtins.toJSON renders (`[]`, never `null`).
func (m *Manifest) normalize() {
	if m.Compositions == nil {
		m.Compositions = map[string]Composition{}
	}
	for name, c := range m.Compositions {
		c.Units = nonNil(c.Units)
		c.Networks = nonNil(c.Networks)
		c.Volumes = nonNil(c.Volumes)
		if c.Services == nil {
			c.Services = map[string]Service{}
		}
		for sname, s := range c.Services {
			s.Ports = nonNil(s.Ports)
			s.Networks = nonNil(s.Networks)
			s.Volumes = nonNil(s.Volumes)
			if s.Containers == nil {
				s.Containers = []Replica{}
			}
			c.Services[sname] = s
		}
		m.Compositions[name] = c
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// CompositionNames returns the compositions' names, sorted.
func (m *Manifest) CompositionNames() []string {
	return slices.Sorted(maps.Keys(m.Compositions))
}

// ServiceNames returns the composition's service names, sorted.
func (c Composition) ServiceNames() []string {
	return slices.Sorted(maps.Keys(c.Services))
}

// Composition looks a composition up; the error lists the known ones.
func (m *Manifest) Composition(name string) (Composition, error) {
	c, ok := m.Compositions[name]
	if !ok {
		return Composition{}, fmt.Errorf("unknown composition %q; known: %s", name, known(m.CompositionNames()))
	}
	return c, nil
}

// Select returns the containers of the named services of a composition, of all its
// services when names is empty: by service name, then in replica order. The error
// names the first unknown service and lists the known.
func (m *Manifest) Select(composition string, names []string) ([]Selected, error) {
	c, err := m.Composition(composition)
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		names = c.ServiceNames()
	}
	var out []Selected
	seen := map[string]bool{}
	for _, n := range names {
		s, ok := c.Services[n]
		if !ok {
			return nil, fmt.Errorf("unknown service %q in composition %s; known: %s", n, composition, known(c.ServiceNames()))
		}
		if !seen[n] {
			seen[n] = true
			for i, r := range s.Containers {
				out = append(out, Selected{Composition: composition, Name: n, Index: i + 1, Replica: r, Service: s})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Selected) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Selected is one container of a service, with its composition, service name and
// replica number.
type Selected struct {
	Composition string
	// Name is the compose service's.
	Name string
	// Index is the replica's number, from 1 (compose's --index).
	Index int
	Replica
	Service
}

// Scaled tells whether the container's service has more than one.
func (s Selected) Scaled() bool { return len(s.Containers) > 1 }

// Label names the container as compose's logs prefix it: the service, and for a scaled
// service its replica's number too ("app-2").
func (s Selected) Label() string {
	if s.Scaled() {
		return fmt.Sprintf("%s-%d", s.Name, s.Index)
	}
	return s.Name
}

func known(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
