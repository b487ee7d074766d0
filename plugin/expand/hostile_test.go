package expand

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/structpb"
	"mvdan.cc/sh/v3/syntax"

	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// hostile are values that break naive quoting in shell, Nix, JSON or systemd.
var hostile = []string{
	`it's "quoted"`,
	`$HOME and ${HOME}`,
	"$(touch /tmp/khepri-pwned) `touch /tmp/khepri-pwned`",
	`back\slash \n \\`,
	`a; rm -rf /tmp/x && echo y | cat > /tmp/z`,
	"new\nline\r\nand\ttab",
	"ünïcødé ✓ 日本",
	`'; echo pwned; '`,
	`%n %i %% systemd specifiers`,
	`${builtins.toFile "x" "y"} ''${nix} ''`,
	"",
}

// TestHostileStringsArriveUnchanged puts hostile values in every free-form field of a
// service: the container must get each value exactly, with no diagnostic.
func TestHostileStringsArriveUnchanged(t *testing.T) {
	env := map[string]string{}
	labels := map[string]string{}
	var args []any
	for i, v := range hostile {
		key := "V" + string(rune('A'+i))
		env[key] = v
		labels["org.example."+strings.ToLower(key)] = v
		args = append(args, v)
	}
	command, err := structpb.NewList(args)
	require.NoError(t, err)
	envFields := map[string]*structpb.Value{}
	for k, v := range env {
		envFields[k] = structpb.NewStringValue(v)
	}
	entrypoint, err := structpb.NewList([]any{"/bin/probe", hostile[0], hostile[2]})
	require.NoError(t, err)

	for _, backend := range []string{"docker", "podman"} {
		t.Run(backend, func(t *testing.T) {
			resp := Expand(&khepriv1.ExpandRequest{
				Backend: backend,
				Compositions: map[string]*khepriv1.Composition{
					"hostile": {Services: map[string]*khepriv1.Service{"probe": {
						Image:       "khepri-test/probe:1",
						Environment: structpb.NewStructValue(&structpb.Struct{Fields: envFields}),
						Labels:      labels,
						Command:     structpb.NewListValue(command),
						Entrypoint:  structpb.NewListValue(entrypoint),
						EnvFile:     []*structpb.Value{structpb.NewStringValue("/run/secrets/it's a $file; rm")},
						Volumes:     []*structpb.Value{structpb.NewStringValue("/srv/a dir with 'quotes' and $x:/data")},
					}}},
				},
			})
			require.Empty(t, resp.GetDiagnostics())
			ctr := resp.GetContainers()["hostile-probe"]
			require.NotNil(t, ctr)
			assert.Equal(t, env, ctr.GetEnvironment())
			for k, v := range labels {
				assert.Equal(t, v, ctr.GetLabels()[k], k)
			}
			assert.Equal(t, "/bin/probe", ctr.GetEntrypoint())
			assert.Equal(t, append([]string{hostile[0], hostile[2]}, hostile...), ctr.GetCmd())
			assert.Equal(t, []string{"/srv/a dir with 'quotes' and $x:/data"}, ctr.GetVolumes())
			assertScriptsInert(t, resp)
		})
	}
}

// TestGoldenScriptsAreInert checks every unit script of every golden case: whatever a
// composition holds, khepri's scripts only run their commands with literal words.
func TestGoldenScriptsAreInert(t *testing.T) {
	for name, file := range goldenCases(t) {
		for _, backend := range []string{"docker", "podman"} {
			t.Run(name+"/"+backend, func(t *testing.T) {
				req := readRequest(t, file)
				req.Backend = backend
				assertScriptsInert(t, Expand(req))
			})
		}
	}
}

// assertScriptsInert parses each shell script of the response and fails on anything that
// expands at run time (parameters, command or process substitution, arithmetic):
// khepri's scripts quote every word, so none of them ever does.
func assertScriptsInert(t *testing.T, resp *khepriv1.ExpandResponse) {
	t.Helper()
	units := map[string]*khepriv1.SystemdService{}
	for n, u := range resp.GetServices() {
		units[n] = u
	}
	for n, u := range resp.GetContainerUnits() {
		units[n] = u
	}
	for n, u := range resp.GetBuilds() {
		units[n] = u
	}
	for n, u := range resp.GetPulls() {
		units[n] = u
	}
	for name, u := range units {
		for _, script := range []string{u.GetScript(), u.GetPreStart(), u.GetPreStop()} {
			file, err := syntax.NewParser().Parse(strings.NewReader(script), name)
			require.NoError(t, err, "%s: script does not parse:\n%s", name, script)
			syntax.Walk(file, func(node syntax.Node) bool {
				switch node.(type) {
				case *syntax.ParamExp, *syntax.CmdSubst, *syntax.ProcSubst, *syntax.ArithmExp, *syntax.ExtGlob:
					t.Errorf("%s: script expands %s at run time:\n%s", name, printNode(node), script)
				}
				return true
			})
		}
	}
}

func printNode(node syntax.Node) string {
	var b strings.Builder
	_ = syntax.NewPrinter().Print(&b, node)
	return b.String()
}
