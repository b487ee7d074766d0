package importer

import (
	"encoding/json"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serviceOptionNames evaluates nixlib/options for the option names of a service, so the
// importer's table is checked against the option tree itself.
const serviceOptionNames = `
let
  lib = import <nixpkgs/lib>;
  eval = lib.evalModules {
    modules = [
      { options.khepri = import ../../nixlib/options { inherit lib; }; }
      { khepri.compositions.c.services.s = { }; }
    ];
  };
  service = (eval.options.khepri.compositions.type.getSubOptions [ ]).services.type.getSubOptions [ ];
in
builtins.filter (n: !(lib.hasPrefix "_" n)) (builtins.attrNames service)
`

// notWritten are the declared service options the importer never writes: Nix-only
// switches and sources (no compose key sets them), other spellings of a written option,
// and the keys khepri rejects, which are findings (rejectedKeys).
var notWritten = map[string]string{
	"enable":           "Nix only",
	"autoStart":        "Nix only",
	"imageFile":        "Nix only: an image derivation",
	"imageStream":      "Nix only: an image stream derivation",
	"imageFetch":       "khepri only: compose has no key for it",
	"cmd":              "another spelling of command",
	"environmentFiles": "another spelling of envFile",
	"extends":          "resolved by compose-go while loading",
	"develop":          "rejected",
	"provider":         "rejected",
	"models":           "rejected",
	"credentialSpec":   "rejected",
	"isolation":        "rejected",
	"cpuCount":         "rejected",
	"cpuPercent":       "rejected",
}

// TestServiceKeysExist checks that every option the importer writes is declared, and
// that every declared option is written or listed in notWritten with the reason, so
// that an option added to nixlib/options fails here until the importer maps it.
func TestServiceKeysExist(t *testing.T) {
	if _, err := exec.LookPath("nix-instantiate"); err != nil {
		t.Skip("nix-instantiate is not installed: the option tree is read through Nix")
	}
	if exec.Command("nix-instantiate", "--find-file", "nixpkgs/lib").Run() != nil {
		t.Skip("<nixpkgs/lib> does not resolve: the option tree needs the nixpkgs library")
	}
	out, err := exec.Command("nix-instantiate", "--eval", "--strict", "--json", "-E", serviceOptionNames).Output()
	require.NoError(t, err)
	var names []string
	require.NoError(t, json.Unmarshal(out, &names))
	declared := map[string]bool{}
	for _, n := range names {
		declared[n] = true
	}
	mapped := map[string]bool{}
	for _, k := range serviceKeys {
		assert.True(t, declared[k.option], "services.%s is written as %s, which nixlib/options does not declare", k.compose, k.option)
		mapped[k.option] = true
	}
	var unmapped []string
	for n := range declared {
		if !mapped[n] && notWritten[n] == "" {
			unmapped = append(unmapped, n)
		}
	}
	sort.Strings(unmapped)
	assert.Empty(t, unmapped, "declared service options khepri import neither writes nor lists in notWritten")
	for n := range notWritten {
		assert.True(t, declared[n], "notWritten lists %s, which nixlib/options does not declare", n)
	}
}

// TestRejectedKeysAreOptions checks that every key reported as rejected is one khepri
// declares as rejected (an option whose use is an error), spelled as its compose key.
func TestRejectedKeysAreOptions(t *testing.T) {
	for key := range rejectedKeys {
		option := lowerCamel(key)
		assert.Equal(t, "rejected", notWritten[option], "rejectedKeys has %s, whose option %s is not listed as rejected", key, option)
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
