// Package systemd builds khepri's own units: one per composition creating its networks
// and volumes on the engine, one per host-level network and volume, and the
// composition's target.
package systemd

import (
	"fmt"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/khepri-nix/khepri/plugin/naming"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// Quote quotes one word for bash. Every interpolated word goes through it, names that
// were validated included, so that the scripts stay safe if a validation rule is relaxed.
func Quote(s string) string {
	q, err := syntax.Quote(s, syntax.LangBash)
	if err == nil {
		return q
	}
	// Only words no shell can carry (a NUL byte, invalid UTF-8) fail. They come from
	// names that already have an error diagnostic, so the response is discarded; drop
	// the offending bytes rather than fail.
	clean := strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "")
	if q, err := syntax.Quote(clean, syntax.LangBash); err == nil {
		return q
	}
	return "''"
}

// Retry renders a bash loop that runs test every 0.1 s until it succeeds, for up to a
// minute, and then goes on either way: a unit's scripts wait for the engine this way.
func Retry(test string) string {
	return "for ((i = 0; i < 600; i++)); do\n  " + test + " && break\n  sleep 0.1\ndone\n"
}

// Command joins words, each quoted, into a command line.
func Command(words ...string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = Quote(w)
	}
	return strings.Join(q, " ")
}

// Resource says what a network or volume unit creates.
type Resource struct {
	Backend     naming.Backend
	Composition string
	// Key is the resource's key in the composition.
	Key string
	// Name is its engine-side name.
	Name string
	// Options are the create command's flags for its settings (NetworkOptions, VolumeOptions).
	Options []string
	// Rootless is the user whose podman it is created in; nil for root's engine.
	Rootless *Rootless
}

// Network builds the unit creating a host-level network. It creates the network only
// when missing and removes it when stopped.
func Network(r Resource) *khepriv1.SystemdService {
	u := unit(r.Backend, r.Composition, r.Rootless, "network "+r.Name)
	u.Script = create(r, "network")
	u.PreStop = removeNetwork(r)
	return u
}

// Volume builds the unit creating a host-level volume when missing. Volumes hold data:
// khepri never removes them.
func Volume(r Resource) *khepriv1.SystemdService {
	u := unit(r.Backend, r.Composition, r.Rootless, "volume "+r.Name)
	u.Script = create(r, "volume")
	return u
}

// Resources builds the unit creating a composition's networks, then its volumes, each
// only when missing; stopped, it removes the networks and keeps the volumes. One unit
// for all of them: the container units need them all before they start anyway, and
// every unit costs NixOS the evaluation of a whole systemd service.
func Resources(b naming.Backend, composition string, rootless *Rootless, networks, volumes []Resource) *khepriv1.SystemdService {
	u := unit(b, composition, rootless, "networks and volumes")
	var script, stop strings.Builder
	for _, r := range networks {
		script.WriteString(create(r, "network"))
		stop.WriteString(removeNetwork(r))
	}
	for _, r := range volumes {
		script.WriteString(create(r, "volume"))
	}
	u.Script, u.PreStop = script.String(), stop.String()
	return u
}

// create is the line creating a network or volume when it is missing, labelled like
// compose labels it.
func create(r Resource, kind string) string {
	words := append([]string{string(r.Backend), kind, "create"}, composeLabels(r, kind)...)
	words = append(append(words, r.Options...), r.Name)
	return exists(r.Backend, kind, r.Name) + " || " + Command(words...) + "\n"
}

// removeNetwork is the line removing a network. The network may still hold containers
// from outside the composition; failing the stop for that would leave the unit failed,
// so the removal is best effort.
func removeNetwork(r Resource) string {
	return Command(string(r.Backend), "network", "rm", r.Name) + " || echo " +
		Quote("khepri: network "+r.Name+" is still in use; left in place") + " >&2\n"
}

// composeLabels are the labels compose puts on a project's networks and volumes; a
// host-level one belongs to no project.
func composeLabels(r Resource, kind string) []string {
	if r.Composition == "" {
		return nil
	}
	return []string{
		"--label", "com.docker.compose.project=" + r.Composition,
		"--label", "com.docker.compose." + kind + "=" + r.Key,
	}
}

// exists is the backend's test for an existing network or volume.
func exists(b naming.Backend, kind, name string) string {
	if b == naming.Podman {
		return Command("podman", kind, "exists", name)
	}
	return Command("docker", kind, "inspect", name) + " >/dev/null 2>&1"
}

// unit is the oneshot unit of what, a composition's (composition) or a host-level one
// ("").
func unit(b naming.Backend, composition string, rootless *Rootless, what string) *khepriv1.SystemdService {
	u := &khepriv1.SystemdService{
		ServiceConfig: map[string]string{"Type": "oneshot", "RemainAfterExit": "true"},
	}
	if composition == "" {
		// A host-level resource outlives every composition that uses it.
		u.Description = "khepri: " + what
		if rootless != nil {
			u.Description += " in " + Engine(rootless.User)
		}
		u.WantedBy = []string{"multi-user.target"}
	} else {
		target := naming.TargetFile(naming.Target(composition))
		u.Description = fmt.Sprintf("khepri %s: %s", composition, what)
		u.PartOf = []string{target}
		u.WantedBy = []string{target}
	}
	// Podman is daemonless: there is nothing to wait for.
	if b == naming.Docker {
		u.After = []string{"docker.service", "docker.socket"}
	}
	rootless.Own(u)
	return u
}

// Target builds a composition's target: starting it starts every unit of the
// composition, stopping it stops them (they are PartOf it).
// A composition that does not start at boot has a target nothing wants.
func Target(composition string, atBoot bool) *khepriv1.SystemdTarget {
	t := &khepriv1.SystemdTarget{Description: "khepri composition " + composition}
	if atBoot {
		t.WantedBy = []string{"multi-user.target"}
	}
	return t
}
