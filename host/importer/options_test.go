package importer

import (
	"encoding/json"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/khepri-nix/khepri/proto/khepri/rejected"
)

// optionDescriptions evaluates nixlib/options for the descriptions of a composition's
// options (or, with path, those of a submodule below it: one of its services, secrets
// or configs, or a service's deploy.resources.reservations) by name, so the importer's
// tables are checked against the option tree itself.
const optionDescriptions = `
{ path }:
let
  lib = import <nixpkgs/lib>;
  eval = lib.evalModules {
    modules = [
      { options.khepri = import ../../nixlib/options { inherit lib; }; }
      { khepri.compositions.c.services.s = { }; }
    ];
  };
  composition = eval.options.khepri.compositions.type.getSubOptions [ ];
  options = lib.foldl' (o: name: o.${name}.type.getSubOptions [ ]) composition (
    lib.optionals (path != "") (lib.splitString "." path)
  );
in
lib.mapAttrs (_: o: o.description or "") (lib.filterAttrs (n: _: !(lib.hasPrefix "_" n)) options)
`

// serviceOptions are the declared service options with their descriptions, or a skip
// when Nix or the nixpkgs library is missing.
func serviceOptions(t *testing.T) map[string]string {
	return declaredOptions(t, "services")
}

// compositionOptions are the declared options of a composition.
func compositionOptions(t *testing.T) map[string]string {
	return declaredOptions(t, "")
}

func declaredOptions(t *testing.T, path string) map[string]string {
	t.Helper()
	if _, err := exec.LookPath("nix-instantiate"); err != nil {
		t.Skip("nix-instantiate is not installed: the option tree is read through Nix")
	}
	if exec.Command("nix-instantiate", "--find-file", "nixpkgs/lib").Run() != nil {
		t.Skip("<nixpkgs/lib> does not resolve: the option tree needs the nixpkgs library")
	}
	out, err := exec.Command("nix-instantiate", "--eval", "--strict", "--json",
		"--argstr", "path", path, "-E", optionDescriptions).Output()
	require.NoError(t, err)
	var options map[string]string
	require.NoError(t, json.Unmarshal(out, &options))
	return options
}

// notWritten are the declared service options the importer never writes, besides the
// rejected keys (proto/khepri/rejected), which are findings: Nix-only switches and
// sources (no compose key sets them), other spellings of a written option, and keys the
// loader resolves.
var notWritten = map[string]string{
	"enable":           "Nix only",
	"autoStart":        "Nix only",
	"imageFile":        "Nix only: an image derivation",
	"imageStream":      "Nix only: an image stream derivation",
	"imageFetch":       "khepri only: compose has no key for it",
	"cmd":              "another spelling of command",
	"environmentFiles": "another spelling of envFile",
}

// TestServiceKeysExist checks that every option the importer writes is declared, and
// that every declared option is written or listed in notWritten with the reason, so
// that an option added to nixlib/options fails here until the importer maps it.
func TestServiceKeysExist(t *testing.T) {
	declared := serviceOptions(t)
	mapped := map[string]bool{}
	for _, k := range serviceKeys {
		_, ok := declared[k.option]
		assert.True(t, ok, "services.%s is written as %s, which nixlib/options does not declare", k.compose, k.option)
		mapped[k.option] = true
	}
	for _, k := range rejected.Keys(rejected.Service) {
		mapped[lowerCamel(k)] = true
	}
	var unmapped []string
	for n := range declared {
		if !mapped[n] && notWritten[n] == "" {
			unmapped = append(unmapped, n)
		}
	}
	sort.Strings(unmapped)
	assert.Empty(t, unmapped, "declared service options khepri import neither writes, rejects nor lists in notWritten")
	for n := range notWritten {
		_, ok := declared[n]
		assert.True(t, ok, "notWritten lists %s, which nixlib/options does not declare", n)
	}
}

// noOption are the refused keys of secrets and configs that are no options (nor fields
// of the plugin's request): swarm's object labels and driver options, which khepri
// import alone meets.
var noOption = map[rejected.Section]map[string]bool{
	rejected.Secret: {"labels": true, "driver_opts": true},
	rejected.Config: {"labels": true, "driver_opts": true},
}

// TestRejectedOptionsGiveTheReason checks that every rejected key is an option, spelled
// as its compose key, whose description (docs/options.md) gives the reason the plugin
// and the importer give.
func TestRejectedOptionsGiveTheReason(t *testing.T) {
	for _, section := range []struct {
		section  rejected.Section
		prefix   string
		declared map[string]string
	}{
		{rejected.Composition, "", compositionOptions(t)},
		{rejected.Service, "services.<name>.", serviceOptions(t)},
		{rejected.Secret, "secrets.<name>.", declaredOptions(t, "secrets")},
		{rejected.Config, "configs.<name>.", declaredOptions(t, "configs")},
		{rejected.Reservations, "services.<name>.deploy.resources.reservations.", declaredOptions(t, "services.deploy.resources.reservations")},
	} {
		for _, key := range rejected.Keys(section.section) {
			why, _ := rejected.Reason(section.section, key)
			option := lowerCamel(key)
			description, ok := section.declared[option]
			if noOption[section.section][key] {
				assert.False(t, ok, "%s%s is declared: drop it from noOption", section.prefix, key)
				continue
			}
			if assert.True(t, ok, "%s%s is rejected, but nixlib/options declares no %s", section.prefix, key, option) {
				assert.Contains(t, description, "Not supported: "+why+".", "%s%s", section.prefix, key)
			}
		}
	}
}

func lowerCamel(key string) string {
	parts := strings.Split(key, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// TestRejectedKeysAreFindingsWithTheReason checks that the import reports every rejected
// key it meets with the reason the plugin and the option give; the keys the loader
// resolves (extends, include) never reach it.
func TestRejectedKeysAreFindingsWithTheReason(t *testing.T) {
	for _, key := range rejected.Keys(rejected.Service) {
		if consumedKeys[key] {
			continue
		}
		c := &converter{project: &project{}}
		c.service("services.web", map[string]any{key: "x"})
		why, _ := rejected.Reason(rejected.Service, key)
		assert.Equal(t, []Finding{{Path: "services.web." + key, Message: "not supported by khepri: " + why, Value: `"x"`}}, c.findings, key)
	}
	for _, key := range rejected.Keys(rejected.Build) {
		c := &converter{project: &project{}}
		c.build("services.web.build", map[string]any{key: "x"})
		why, _ := rejected.Reason(rejected.Build, key)
		assert.Equal(t, []Finding{{Path: "services.web.build." + key, Message: "not supported by khepri: " + why, Value: `"x"`}}, c.findings, key)
	}
	for _, key := range rejected.Keys(rejected.Reservations) {
		c := &converter{project: &project{}}
		c.object("services.web.deploy.resources.reservations", map[string]any{key: "x"}, reservationFields)
		why, _ := rejected.Reason(rejected.Reservations, key)
		assert.Equal(t, []Finding{{Path: "services.web.deploy.resources.reservations." + key, Message: "not supported by khepri: " + why, Value: `"x"`}}, c.findings, key)
	}
	for _, key := range rejected.Keys(rejected.ServiceNetwork) {
		c := &converter{project: &project{}}
		c.object("services.web.networks.back", map[string]any{key: false}, serviceNetworkFields)
		why, _ := rejected.Reason(rejected.ServiceNetwork, key)
		assert.Equal(t, []Finding{{Path: "services.web.networks.back." + key, Message: "not supported by khepri: " + why, Value: "false"}}, c.findings, key)
	}
	c := &converter{project: &project{}}
	c.object("services.web.networks.back", map[string]any{"use_service_name_alias": true}, serviceNetworkFields)
	assert.Empty(t, c.findings, "use_service_name_alias: true is what khepri does")
	for section, s := range fileObjectSections {
		for _, key := range rejected.Keys(s) {
			// true: external is refused only when it is.
			c := &converter{project: &project{model: map[string]any{section: map[string]any{"x": map[string]any{key: true}}}}}
			c.fileObjects(section)
			why, _ := rejected.Reason(s, key)
			assert.Equal(t, []Finding{{Path: section + ".x." + key, Message: "not supported by khepri: " + why, Value: "true"}}, c.findings, key)
		}
	}
	for _, key := range rejected.Keys(rejected.Composition) {
		if consumedTopLevelKeys[key] {
			continue
		}
		c := &converter{project: &project{model: map[string]any{key: "x"}}}
		c.composition()
		why, _ := rejected.Reason(rejected.Composition, key)
		assert.Equal(t, []Finding{{Path: key, Message: "not supported by khepri: " + why, Value: `"x"`}}, c.findings, key)
	}
}
