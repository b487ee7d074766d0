package expand

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"

	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// runningWait marks the wait for a docker container to run in a unit's postStart.
const runningWait = "# Wait for this container to run"

// Every kind of dependency makes the docker unit of the service depended on wait for its
// container to run, since the unit counts as started when `docker run` is spawned; the
// dependent's own unit does not wait. podman's unit is started once its container runs
// (Type=notify), so nothing is added there.
func TestRunningWaitForEveryDependency(t *testing.T) {
	tests := []struct {
		name string
		// dependent is the JSON of service "app", which depends on service "db".
		dependent string
		db        string
	}{
		{name: "dependsOn service_started", dependent: `{"dependsOn": {"db": {"condition": "service_started"}}}`},
		{name: "dependsOn not required", dependent: `{"dependsOn": {"db": {"condition": "service_started", "required": false}}}`},
		{name: "dependsOn service_healthy", dependent: `{"dependsOn": {"db": {"condition": "service_healthy"}}}`,
			db: `"healthcheck": {"test": ["CMD", "true"]},`},
		{name: "dependsOn service_completed_successfully", dependent: `{"dependsOn": {"db": {"condition": "service_completed_successfully"}}}`},
		{name: "networkMode service:", dependent: `{"networkMode": "service:db"}`},
		{name: "ipc service:", dependent: `{"ipc": "service:db"}`},
		{name: "pid service:", dependent: `{"pid": "service:db"}`},
		{name: "uts service:", dependent: `{"uts": "service:db"}`},
		{name: "volumesFrom", dependent: `{"volumesFrom": ["db"]}`},
		{name: "volumesFrom service: read-only", dependent: `{"volumesFrom": ["service:db:ro"]}`},
		{name: "links", dependent: `{"links": ["db"]}`},
	}
	for _, tt := range tests {
		for _, backend := range []string{"docker", "podman"} {
			t.Run(tt.name+"/"+backend, func(t *testing.T) {
				app := tt.dependent[:len(tt.dependent)-1] + `, "image": "example/app:1"}`
				resp := expandJSON(t, backend, `{"services": {"db": {`+tt.db+`"image": "example/db:1"}, "app": `+app+`}}`)
				db, dependent := resp.GetContainerUnits()[backend+"-c-db"], resp.GetContainerUnits()[backend+"-c-app"]
				require.NotNil(t, db)
				require.NotNil(t, dependent)
				assert.Contains(t, dependent.GetAfter(), backend+"-c-db.service")
				assert.NotContains(t, dependent.GetPostStart(), runningWait, "the dependent waits for nothing")
				if backend == "podman" {
					assert.NotContains(t, db.GetPostStart(), runningWait)
					return
				}
				assert.True(t, strings.HasPrefix(db.GetPostStart(), runningWait), "db's postStart starts with the wait: %q", db.GetPostStart())
				assert.Contains(t, db.GetPostStart(), "docker inspect --format '{{.State.StartedAt}}' c-db ")
				assert.Contains(t, db.GetPostStart(), `kill -0 "$MAINPID"`)
				assert.Contains(t, db.GetPostStart(), "systemctl show --property=ExecMainStatus --value docker-c-db.service")
				assert.Contains(t, db.GetPostStart(), "before container c-db ran; the services that wait for it do not start")
			})
		}
	}
}

// A service nothing depends on and without post_start hooks waits for nothing, on either
// backend.
func TestNoRunningWaitWithoutDependents(t *testing.T) {
	for _, backend := range []string{"docker", "podman"} {
		resp := expandJSON(t, backend, `{"services": {"db": {"image": "example/db:1"}, "app": {"image": "example/app:1", "volumesFrom": ["container:elsewhere"]}}}`)
		for name, u := range resp.GetContainerUnits() {
			assert.Empty(t, u.GetPostStart(), name)
		}
	}
}

// The health and completion waits start after the wait for the container to run, so
// that their clock (the health deadline) starts when the container does, not when the
// unit does: a long image pull never counts against the deadline. post_start hooks,
// which need a running container, come between.
func TestConditionWaitsFollowRunningWait(t *testing.T) {
	resp := expandJSON(t, "docker", `{"services": {
	  "db": {"image": "example/db:1", "healthcheck": {"test": ["CMD", "true"]},
	         "postStart": [{"command": ["touch", "/started"]}]},
	  "init": {"image": "example/app:1"},
	  "app": {"image": "example/app:1", "dependsOn": {
	    "db": {"condition": "service_healthy"}, "init": {"condition": "service_completed_successfully"}}}
	}}`)
	db := resp.GetContainerUnits()["docker-c-db"].GetPostStart()
	wait, hook, deadline := strings.Index(db, runningWait), strings.Index(db, "docker exec c-db touch /started"), strings.Index(db, "deadline=$((SECONDS")
	require.True(t, wait >= 0 && hook >= 0 && deadline >= 0, "db's postStart: %q", db)
	assert.Less(t, wait, hook, "the hooks run once the container runs")
	assert.Less(t, hook, deadline, "the health deadline starts after the container runs")
	assert.Equal(t, 1, strings.Count(db, runningWait), "one wait serves the hooks and the dependents")

	init := resp.GetContainerUnits()["docker-c-init"].GetPostStart()
	wait, exit := strings.Index(init, runningWait), strings.Index(init, "docker wait c-init")
	require.True(t, wait >= 0 && exit >= 0, "init's postStart: %q", init)
	assert.Less(t, wait, exit)
	assert.NotContains(t, init, "for ((i = 0; i < 600", "no 60 s bound on docker: the image pull may take longer")
}

// A service that only has post_start hooks waits for its container before running them;
// its message speaks of the hooks, as no service waits for it.
func TestRunningWaitForHooksOnly(t *testing.T) {
	resp := expandJSON(t, "docker", `{"services": {"app": {"image": "example/app:1", "postStart": [{"command": ["true"]}]}}}`)
	post := resp.GetContainerUnits()["docker-c-app"].GetPostStart()
	assert.True(t, strings.HasPrefix(post, runningWait), post)
	assert.Contains(t, post, "before container c-app ran; its post_start hooks do not run")
	assert.True(t, strings.HasSuffix(post, "docker exec c-app true\n"), post)
}

// expandJSON expands composition "c", given as the JSON of khepri.compositions.c, and
// fails the test on any diagnostic.
func expandJSON(t *testing.T, backend, composition string) *khepriv1.ExpandResponse {
	t.Helper()
	req := &khepriv1.ExpandRequest{}
	require.NoError(t, protojson.Unmarshal([]byte(`{"backend": "`+backend+`", "compositions": {"c": `+composition+`}}`), req))
	resp := Expand(req)
	require.Empty(t, resp.GetDiagnostics())
	return resp
}
