package importer

import (
	"cmp"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/schema"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/khepri-nix/khepri/proto/khepri/rejected"
)

// A schemaSection is a mapping of compose's schema and how khepri import reads its keys.
type schemaSection struct {
	// at is the section's place in the schema: property names, `<name>` for the
	// entries of a mapping by name, `*` for the elements of a list.
	at []string
	// written are the keys of the section's table, by option ("" for a key written
	// as another's option or refused), with docs the options' place in
	// docs/options.md (the section's path under khepri.compositions.<name>).
	written map[string]string
	docs    string
	// refused is the section of proto/khepri/rejected that gives the reasons of the
	// keys refused here, if any.
	refused rejected.Section
	// other classifies the keys written has not otherwise: consumed by the loader or
	// written in a short syntax; "" leaves the key unclassified.
	other func(key string) string
}

// schemaSections are the schema's mappings khepri import has a table for.
var schemaSections = []schemaSection{
	{at: nil, written: topLevelKeys, docs: "", refused: rejected.Composition, other: consumedTopLevel},
	{at: []string{"services", "<name>"}, written: options(serviceKeys), docs: "services.<name>", refused: rejected.Service, other: consumedService},
	{at: []string{"services", "<name>", "build"}, written: options(buildFields), docs: "services.<name>.build", refused: rejected.Build},
	{at: []string{"services", "<name>", "deploy"}, written: options(deployFields), docs: "services.<name>.deploy"},
	{at: []string{"services", "<name>", "deploy", "resources"}, written: options(resourceFields), docs: "services.<name>.deploy.resources"},
	{at: []string{"services", "<name>", "deploy", "resources", "limits"}, written: options(limitFields), docs: "services.<name>.deploy.resources.limits"},
	{at: []string{"services", "<name>", "deploy", "resources", "reservations"}, written: options(reservationFields), docs: "services.<name>.deploy.resources.reservations", refused: rejected.Reservations},
	{at: []string{"services", "<name>", "deploy", "restart_policy"}, written: options(restartPolicyFields), docs: "services.<name>.deploy.restartPolicy"},
	{at: []string{"services", "<name>", "depends_on", "<name>"}, written: options(dependencyFields), docs: "services.<name>.dependsOn.<name>"},
	{at: []string{"services", "<name>", "env_file", "*"}, written: options(envFileFields), docs: "services.<name>.envFile.*"},
	{at: []string{"services", "<name>", "devices", "*"}, other: shortSyntax},
	{at: []string{"services", "<name>", "deploy", "resources", "reservations", "devices", "*"}, written: options(deviceRequestFields), docs: "services.<name>.deploy.resources.reservations.devices.*"},
	{at: []string{"services", "<name>", "gpus", "*"}, written: options(deviceRequestFields), docs: "services.<name>.gpus.*"},
	{at: []string{"services", "<name>", "healthcheck"}, written: options(healthcheckFields), docs: "services.<name>.healthcheck"},
	{at: []string{"services", "<name>", "logging"}, written: options(loggingFields), docs: "services.<name>.logging"},
	{at: []string{"services", "<name>", "blkio_config"}, written: options(blkioFields), docs: "services.<name>.blkioConfig"},
	{at: []string{"services", "<name>", "blkio_config", "device_read_bps", "*"}, written: options(throttleFields), docs: "services.<name>.blkioConfig.deviceReadBps.*"},
	{at: []string{"services", "<name>", "blkio_config", "device_read_iops", "*"}, written: options(throttleFields), docs: "services.<name>.blkioConfig.deviceReadIops.*"},
	{at: []string{"services", "<name>", "blkio_config", "device_write_bps", "*"}, written: options(throttleFields), docs: "services.<name>.blkioConfig.deviceWriteBps.*"},
	{at: []string{"services", "<name>", "blkio_config", "device_write_iops", "*"}, written: options(throttleFields), docs: "services.<name>.blkioConfig.deviceWriteIops.*"},
	{at: []string{"services", "<name>", "blkio_config", "weight_device", "*"}, written: options(weightDeviceFields), docs: "services.<name>.blkioConfig.weightDevice.*"},
	{at: []string{"services", "<name>", "post_start", "*"}, written: options(hookFields), docs: "services.<name>.postStart.*"},
	{at: []string{"services", "<name>", "pre_stop", "*"}, written: options(hookFields), docs: "services.<name>.preStop.*"},
	{at: []string{"services", "<name>", "networks", "<name>"}, written: options(serviceNetworkFields), docs: "services.<name>.networks.<name>", refused: rejected.ServiceNetwork},
	{at: []string{"services", "<name>", "volumes", "*"}, written: options(volumeFields), docs: "services.<name>.volumes.*"},
	{at: []string{"services", "<name>", "volumes", "*", "bind"}, written: options(bindFields), docs: "services.<name>.volumes.*.bind"},
	{at: []string{"services", "<name>", "volumes", "*", "volume"}, written: options(volumeOptionFields), docs: "services.<name>.volumes.*.volume"},
	{at: []string{"services", "<name>", "volumes", "*", "tmpfs"}, written: options(tmpfsFields), docs: "services.<name>.volumes.*.tmpfs"},
	{at: []string{"services", "<name>", "volumes", "*", "image"}, written: options(imageMountFields), docs: "services.<name>.volumes.*.image"},
	{at: []string{"services", "<name>", "ports", "*"}, written: options(portFields), docs: "services.<name>.ports.*"},
	{at: []string{"services", "<name>", "ulimits", "<name>"}, written: options(ulimitFields), docs: "services.<name>.ulimits.<name>"},
	{at: []string{"services", "<name>", "secrets", "*"}, written: options(fileUseFields), docs: "services.<name>.secrets.*"},
	{at: []string{"services", "<name>", "configs", "*"}, written: options(fileUseFields), docs: "services.<name>.configs.*"},
	{at: []string{"services", "<name>", "build", "secrets", "*"}, written: options(fileUseFields), docs: "services.<name>.build.secrets.*"},
	{at: []string{"services", "<name>", "build", "ulimits", "<name>"}, written: options(ulimitFields), docs: "services.<name>.build.ulimits.<name>"},
	{at: []string{"networks", "<name>"}, written: options(networkFields), docs: "networks.<name>"},
	{at: []string{"networks", "<name>", "ipam"}, written: options(ipamFields), docs: "networks.<name>.ipam"},
	{at: []string{"networks", "<name>", "ipam", "config", "*"}, written: options(ipamConfigFields), docs: "networks.<name>.ipam.config.*"},
	{at: []string{"volumes", "<name>"}, written: options(commonResourceFields), docs: "volumes.<name>"},
	{at: []string{"secrets", "<name>"}, written: options(fileObjectFields("secrets")), docs: "secrets.<name>", refused: rejected.Secret},
	{at: []string{"configs", "<name>"}, written: options(fileObjectFields("configs")), docs: "configs.<name>", refused: rejected.Config},
}

// unwalked are the schema's mappings that have no section, and why. The mappings
// below a key that its parent's section refuses, has resolved by the loader or reports
// as a whole need none either, and the walk skips them: develop, refused as a whole,
// needs no walk of its sub-keys, nor do extends, pre_start, or the top-level jobs.
var unwalked = map[string]string{
	// compose-go turns the deprecated `external: {name: …}` into external: true and name.
	"networks.<name>.external": "resolved by the loader",
	"volumes.<name>.external":  "resolved by the loader",
	"secrets.<name>.external":  "resolved by the loader",
	"configs.<name>.external":  "resolved by the loader",
	// deploy's swarm settings are written as they are (converter.raw), with a warning.
	"services.<name>.deploy.placement":               "written as a whole",
	"services.<name>.deploy.placement.preferences.*": "written as a whole",
	"services.<name>.deploy.update_config":           "written as a whole",
	"services.<name>.deploy.rollback_config":         "written as a whole",
}

// shortSyntax classifies the keys of a device, which converter.devices writes as
// `host[:container[:permissions]]`.
func shortSyntax(key string) string {
	if slices.Contains([]string{"source", "target", "permissions"}, key) {
		return "written in the short syntax"
	}
	return ""
}

// options are a field table's keys by option.
func options(fields []field) map[string]string {
	out := map[string]string{}
	for _, f := range fields {
		out[f.compose] = f.option
	}
	return out
}

func consumedTopLevel(key string) string {
	if consumedTopLevelKeys[key] {
		return "resolved by the loader"
	}
	return ""
}

func consumedService(key string) string {
	if consumedKeys[key] {
		return "resolved by the loader"
	}
	return ""
}

// TestSchemaKeysAreClassified reads the compose specification schema of the compose-go
// khepri is built with, and fails for every key of a section that khepri import neither
// writes as an option (named in docs/options.md) nor consumes, rejects or warns about:
// updating compose-go tells what the specification added.
func TestSchemaKeysAreClassified(t *testing.T) {
	var spec map[string]any
	require.NoError(t, json.Unmarshal([]byte(schema.Schema), &spec))
	doc, err := os.ReadFile("../../docs/options.md")
	require.NoError(t, err)
	documented := documentedOptions(string(doc))

	for _, s := range schemaSections {
		name := cmp.Or(strings.Join(s.at, "."), "top level")
		t.Run("/"+name, func(t *testing.T) {
			keys := schemaKeys(spec, spec, s.at)
			require.NotEmpty(t, keys, "the schema has no keys at %s", name)
			for _, key := range keys {
				option, written := s.written[key]
				_, refused := rejected.Reason(s.refused, key)
				switch {
				case written && option != "":
					path := strings.TrimPrefix(s.docs+"."+option, ".")
					assert.True(t, documented[path], "%s: %s is written as khepri.compositions.<name>.%s, which docs/options.md does not name", name, key, path)
				case refused, s.other != nil && s.other(key) != "":
				case written && key == "replicas":
					// deploy.replicas is written as the service's scale.
				default:
					t.Errorf("%s: compose key %s is neither written as an option, resolved by the loader nor refused with a reason", name, key)
				}
			}
		})
	}
}

// documentedOptions are the option paths docs/options.md has a heading for, without
// the `khepri.compositions.<name>.` prefix.
func documentedOptions(doc string) map[string]bool {
	const prefix = "## `khepri.compositions.<name>."
	out := map[string]bool{}
	for _, line := range strings.Split(doc, "\n") {
		if rest, ok := strings.CutPrefix(line, prefix); ok {
			out[strings.TrimSuffix(rest, "`")] = true
		}
	}
	return out
}

// TestSchemaMappingsAreWalked fails for every mapping of the schema that has no section
// in schemaSections, is not in unwalked, and is not below a key its parent's section
// does not walk (skipsWalk): a mapping new in compose-go's schema gets a
// section (and its keys a classification) before it can pass.
func TestSchemaMappingsAreWalked(t *testing.T) {
	var spec map[string]any
	require.NoError(t, json.Unmarshal([]byte(schema.Schema), &spec))
	sections := map[string]schemaSection{}
	for _, s := range schemaSections {
		sections[strings.Join(s.at, ".")] = s
	}
	var walk func(path []string)
	walk = func(path []string) {
		for _, step := range append(schemaKeys(spec, spec, path), "<name>", "*") {
			child := append(slices.Clone(path), step)
			if len(schemaNodes(spec, spec, child)) == 0 {
				continue
			}
			if parent, ok := sections[strings.Join(path, ".")]; ok && !isNamedChild(step) && skipsWalk(parent, step) {
				continue
			}
			name := strings.Join(child, ".")
			_, walked := sections[name]
			if len(schemaKeys(spec, spec, child)) > 0 && !walked && unwalked[name] == "" {
				t.Errorf("the schema's mapping %s is not walked: give it a section in schemaSections", name)
			}
			walk(child)
		}
	}
	walk(nil)
}

func isNamedChild(step string) bool { return step == "<name>" || step == "*" }

// skipsWalk reports whether a section's key has sub-keys that need no walk: the key is
// refused, resolved by the loader or reported as a whole.
func skipsWalk(s schemaSection, key string) bool {
	if _, refused := rejected.Reason(s.refused, key); refused {
		return true
	}
	return s.other != nil && s.other(key) != ""
}

// schemaKeys are the property names of the schema nodes at path below node;
// extensions (`x-`) are not keys.
func schemaKeys(root, node map[string]any, path []string) []string {
	var keys []string
	for _, n := range schemaNodes(root, node, path) {
		props, _ := n["properties"].(map[string]any)
		for k := range props {
			if !strings.HasPrefix(k, "x-") && !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	return keys
}

// schemaNodes are the schema nodes at path below node, through every alternative of
// their $ref, allOf, anyOf and oneOf.
func schemaNodes(root, node map[string]any, path []string) []map[string]any {
	if len(path) == 0 {
		return variants(root, node)
	}
	var out []map[string]any
	for _, n := range variants(root, node) {
		for _, c := range children(n, path[0]) {
			out = append(out, schemaNodes(root, c, path[1:])...)
		}
	}
	return out
}

// variants is node and every schema it is made of or may be instead.
func variants(root, node map[string]any) []map[string]any {
	out := []map[string]any{node}
	if ref, ok := node["$ref"].(string); ok {
		def, _ := dig(root, strings.Split(strings.TrimPrefix(ref, "#/"), "/"))
		out = append(out, variants(root, def)...)
	}
	for _, k := range []string{"allOf", "anyOf", "oneOf"} {
		l, _ := node[k].([]any)
		for _, e := range l {
			if m, ok := e.(map[string]any); ok {
				out = append(out, variants(root, m)...)
			}
		}
	}
	return out
}

// children are the schemas of a node's property step: `<name>` is any entry of a
// mapping by name (patternProperties other than extensions), `*` any list element.
func children(n map[string]any, step string) []map[string]any {
	var out []map[string]any
	add := func(v any) {
		if m, ok := v.(map[string]any); ok {
			out = append(out, m)
		}
	}
	switch step {
	case "<name>":
		pp, _ := n["patternProperties"].(map[string]any)
		for pattern, v := range pp {
			if pattern != "^x-" {
				add(v)
			}
		}
		add(n["additionalProperties"])
	case "*":
		add(n["items"])
	default:
		props, _ := n["properties"].(map[string]any)
		add(props[step])
	}
	return out
}

func dig(m map[string]any, path []string) (map[string]any, bool) {
	for _, p := range path {
		next, ok := m[p].(map[string]any)
		if !ok {
			return nil, false
		}
		m = next
	}
	return m, true
}
