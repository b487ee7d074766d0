package expand

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"

	"github.com/khepri-nix/khepri/proto/khepri/pullplan"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// pullArgs returns the words of a pull unit's script as bash would pass them.
func pullArgs(t *testing.T, script string) []string {
	t.Helper()
	file, err := syntax.NewParser().Parse(strings.NewReader(script), "")
	require.NoError(t, err)
	require.Len(t, file.Stmts, 1)
	call, ok := file.Stmts[0].Cmd.(*syntax.CallExpr)
	require.True(t, ok, "the script is one command")
	words, err := expand.Fields(nil, call.Args...)
	require.NoError(t, err)
	return words
}

// The plan a pull unit hands to khepri pull-images is one word that the command's own
// parser (proto/khepri/pullplan) accepts, with the services in start order and the
// services the image lock pins apart.
func TestPullPlanReachesTheCommand(t *testing.T) {
	req := readRequest(t, filepath.Join("testdata", "pull-schedule.request.json"))
	req.Backend = "docker"
	resp := Expand(req)
	// An image given by digest is left out, with a warning.
	require.Len(t, resp.GetDiagnostics(), 1)
	assert.Equal(t, khepriv1.Severity_SEVERITY_WARNING, resp.GetDiagnostics()[0].GetSeverity())
	assert.Equal(t, "khepri.compositions.lab.services.pinned.pullPolicy", resp.GetDiagnostics()[0].GetPath())
	assert.ElementsMatch(t, []string{"khepri-hourly-pull", "khepri-lab-pull", "khepri-media-pull"}, keys(resp.GetPulls()))
	assert.ElementsMatch(t, keys(resp.GetPulls()), keys(resp.GetTimers()))

	words := pullArgs(t, resp.GetPulls()["khepri-media-pull"].GetScript())
	require.Equal(t, []string{"khepri", "pull-images", "--plan"}, words[:3])
	assert.Equal(t, []string{"--state", "/var/lib/khepri/pull/media.json"}, words[4:])
	plan, err := pullplan.Parse([]byte(words[3]))
	require.NoError(t, err)
	var names []string
	for _, s := range plan.Services {
		names = append(names, s.Name)
	}
	// auth depends on web, which depends on api, which depends on db (pinned by the lock).
	assert.Equal(t, []string{"api", "web", "auth", "worker"}, names)
	assert.Equal(t, []string{"db"}, plan.Pinned)
	assert.Equal(t, []string{"media-worker-1", "media-worker-2"}, plan.Services[3].Containers)
	assert.Equal(t, []string{"docker-media-worker-1.service", "docker-media-worker-2.service"}, plan.Services[3].Units)
}

// A composition name that makes the pull unit's name too long for systemd is an error
// naming the pull policy, not a unit systemd refuses.
func TestPullUnitNameTooLong(t *testing.T) {
	req := readRequest(t, filepath.Join("testdata", "pull-schedule-rootless.request.json"))
	req.Backend = "podman"
	// 240 bytes fit in the target's name; a short container name and the host's
	// network keep every other unit's name short.
	long := strings.Repeat("m", 240)
	comp := req.Compositions["media"]
	comp.Services["web"].ContainerName = "web"
	comp.Services["web"].NetworkMode = "host"
	req.Compositions[long] = comp
	delete(req.Compositions, "media")
	resp := Expand(req)
	require.Len(t, resp.GetDiagnostics(), 1)
	assert.Equal(t, "khepri.compositions."+long+".services.web.pullPolicy", resp.GetDiagnostics()[0].GetPath())
	assert.Contains(t, resp.GetDiagnostics()[0].GetMessage(), "khepri-mmmm")
	assert.Contains(t, resp.GetDiagnostics()[0].GetMessage(), "-pull.service is 260 bytes, 5 more than systemd takes")
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
