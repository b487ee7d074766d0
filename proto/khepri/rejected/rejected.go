// Package rejected holds the compose keys khepri refuses, each with its reason: one text
// that the plugin's error, the importer's finding and the Nix option's description all
// give (nixlib/options reads rejected.json itself). Top-level, service and reservation
// keys are options, free-form fields of the proto, so that using one in Nix gives the
// reason; so are the keys of top-level secrets and configs, typed fields, but for
// labels and driver_opts. Those and the keys of build and of a service's networks have
// no option, and khepri import alone meets them.
package rejected

import (
	_ "embed"
	"encoding/json"
	"maps"
	"slices"
)

//go:embed rejected.json
var data []byte

// Section is a part of a compose file whose keys are refused.
type Section string

const (
	// Composition is a compose file's top-level keys.
	Composition Section = "composition"
	// Service is a service's keys (compose `services.<name>`).
	Service Section = "service"
	// Build is a service's build keys (compose `services.<name>.build`).
	Build Section = "build"
	// Reservations is a service's resource reservations (compose
	// `services.<name>.deploy.resources.reservations`).
	Reservations Section = "reservations"
	// ServiceNetwork is a service's settings on one of its networks (compose
	// `services.<name>.networks.<network>`).
	ServiceNetwork Section = "service_network"
	// Secret is a top-level secret's keys (compose `secrets.<name>`).
	Secret Section = "secret"
	// Config is a top-level config's keys (compose `configs.<name>`).
	Config Section = "config"
)

var reasons = parse(data)

// parse reads the embedded table; it is compiled in, so a malformed one is a bug that
// the package's test catches.
func parse(b []byte) map[Section]map[string]string {
	var m map[Section]map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		panic("proto/khepri/rejected: rejected.json: " + err.Error())
	}
	return m
}

// Keys are the refused compose keys of section, sorted.
func Keys(s Section) []string {
	return slices.Sorted(maps.Keys(reasons[s]))
}

// Reason is why khepri refuses key in section, and what to do instead; ok is false for
// a key khepri does not refuse.
func Reason(s Section, key string) (reason string, ok bool) {
	reason, ok = reasons[s][key]
	return reason, ok
}
