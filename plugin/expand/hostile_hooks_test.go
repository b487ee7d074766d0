package expand

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/structpb"
	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"

	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// TestHostileStringsInHooks puts hostile values in post_start and pre_stop hooks, which
// khepri runs as `<backend> exec` lines of the unit's scripts: each value must reach
// exec as one argument, exactly, with nothing of it expanded by the shell.
func TestHostileStringsInHooks(t *testing.T) {
	var args []any
	for _, v := range hostile {
		if v != "" {
			args = append(args, v)
		}
	}
	command, err := structpb.NewList(args)
	require.NoError(t, err)
	hook := &khepriv1.LifecycleHook{
		Command:     structpb.NewListValue(command),
		User:        hostile[0],
		WorkingDir:  "/srv/" + hostile[4],
		Environment: map[string]string{"HOSTILE": hostile[1]},
	}
	for _, backend := range []string{"docker", "podman"} {
		t.Run(backend, func(t *testing.T) {
			resp := Expand(&khepriv1.ExpandRequest{
				Backend: backend,
				Compositions: map[string]*khepriv1.Composition{"hostile": {Services: map[string]*khepriv1.Service{
					"probe": {Image: "khepri-test/probe:1", PostStart: []*khepriv1.LifecycleHook{hook}, PreStop: []*khepriv1.LifecycleHook{hook}},
				}}},
			})
			require.Empty(t, resp.GetDiagnostics())
			unit := resp.GetContainerUnits()[backend+"-hostile-probe"]
			require.NotNil(t, unit)
			for _, script := range []string{unit.GetPostStart(), unit.GetPreStop()} {
				execs := execCalls(t, script)
				require.Len(t, execs, 1, script)
				got := execs[0]
				assert.Equal(t, []string{backend, "exec"}, got[:2])
				assert.Equal(t, strs(args), got[len(got)-len(args):], "the command's arguments")
				assert.Contains(t, got, "--user="+hostile[0])
				assert.Contains(t, got, "--workdir=/srv/"+hostile[4])
				assert.Contains(t, got, "--env=HOSTILE="+hostile[1])
			}
		})
	}
}

// execCalls parses a script and returns the words of every `<backend> exec` command,
// expanded as the shell would; a word that needs anything but quote removal (a
// parameter, a command substitution) fails the test.
func execCalls(t *testing.T, script string) [][]string {
	t.Helper()
	return scriptCalls(t, script, func(args []*syntax.Word) bool { return len(args) >= 2 && args[1].Lit() == "exec" })
}

// scriptCalls is execCalls for the commands whose words match.
func scriptCalls(t *testing.T, script string, match func(args []*syntax.Word) bool) [][]string {
	t.Helper()
	file, err := syntax.NewParser().Parse(strings.NewReader(script), "")
	require.NoError(t, err, script)
	var calls [][]string
	syntax.Walk(file, func(node syntax.Node) bool {
		call, ok := node.(*syntax.CallExpr)
		if !ok || !match(call.Args) {
			return true
		}
		var words []string
		for _, w := range call.Args {
			syntax.Walk(w, func(n syntax.Node) bool {
				switch n.(type) {
				case *syntax.ParamExp, *syntax.CmdSubst, *syntax.ProcSubst, *syntax.ArithmExp:
					t.Errorf("exec word %s expands at run time", printNode(w))
				}
				return true
			})
			lit, err := expand.Literal(nil, w)
			require.NoError(t, err)
			words = append(words, lit)
		}
		calls = append(calls, words)
		return true
	})
	return calls
}

func strs(vs []any) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.(string)
	}
	return out
}
