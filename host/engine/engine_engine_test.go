//go:build engine

package engine

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests run the docker CLI against the engine on this machine, with containers
// started as NixOS's oci-containers starts khepri's: `docker run` with a name and the
// compose labels. The image is built here, FROM scratch, because there is no registry.

func docker(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("docker", args...).CombinedOutput()
	require.NoError(t, err, "docker %s: %s", strings.Join(args, " "), out)
	return strings.TrimSpace(string(out))
}

type fixture struct {
	project string
	image   string
}

func setup(t *testing.T) fixture {
	t.Helper()
	if out, err := exec.Command("docker", "info").CombinedOutput(); err != nil {
		t.Skipf("no Docker engine: docker info: %v: %s", err, bytes.TrimSpace(out))
	}
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	f := fixture{
		project: "khepri-enginetest-" + hex.EncodeToString(suffix),
		image:   "khepri-enginetest-probe:" + hex.EncodeToString(suffix),
	}

	dir := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "probe"), "./testdata/probe")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "build probe: %s", out)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(
		"FROM scratch\nCOPY probe /probe\nHEALTHCHECK --interval=1s CMD [\"/probe\", \"health\"]\nENTRYPOINT [\"/probe\"]\n"), 0o644))
	docker(t, "build", "--quiet", "--tag", f.image, dir)

	t.Cleanup(func() {
		ids, _ := exec.Command("docker", "container", "ls", "--all", "--quiet", "--filter", "label=com.docker.compose.project="+f.project).Output()
		ids2, _ := exec.Command("docker", "container", "ls", "--all", "--quiet", "--filter", "label=com.docker.compose.project="+f.project+"-other").Output()
		if all := strings.Fields(string(ids) + " " + string(ids2)); len(all) > 0 {
			_ = exec.Command("docker", append([]string{"rm", "--force"}, all...)...).Run()
		}
		_ = exec.Command("docker", "image", "rm", "--force", f.image).Run()
	})
	return f
}

func (f fixture) run(t *testing.T, project, service string, extra []string, cmd ...string) string {
	t.Helper()
	name := project + "-" + service
	args := []string{"run", "--detach", "--name", name,
		"--label", ProjectLabel + "=" + project,
		"--label", ServiceLabel + "=" + service}
	args = append(args, extra...)
	args = append(args, f.image)
	args = append(args, cmd...)
	docker(t, args...)
	return name
}

func TestEngineAgainstDocker(t *testing.T) {
	f := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	e := New("docker", nil)

	talker := f.run(t, f.project, "talker", []string{"--publish", "127.0.0.1::8080", "--no-healthcheck"}, "talk", "6")
	healthy := f.run(t, f.project, "healthy", nil, "talk", "0")
	f.run(t, f.project+"-other", "talker", []string{"--no-healthcheck"}, "talk", "1")
	stopped := f.run(t, f.project, "stopped", []string{"--no-healthcheck"}, "exit", "3")

	t.Run("containers of one project, with their state, health and ports", func(t *testing.T) {
		var got []Container
		require.Eventually(t, func() bool {
			var err error
			got, err = e.Containers(ctx, f.project)
			require.NoError(t, err)
			return len(got) == 3 && got[0].Health == "healthy" && got[1].State == "exited"
		}, time.Minute, 200*time.Millisecond, "containers: %+v", got)

		assert.Equal(t, healthy, got[0].Name)
		assert.Equal(t, "healthy", got[0].Service)
		assert.Equal(t, f.project, got[0].Project)
		assert.Equal(t, "running", got[0].State)
		assert.Equal(t, f.image, got[0].Image)
		assert.WithinDuration(t, time.Now(), got[0].StartedAt, time.Minute)

		assert.Equal(t, stopped, got[1].Name)
		assert.Equal(t, "exited", got[1].State)
		assert.Equal(t, 3, got[1].ExitCode)

		assert.Equal(t, talker, got[2].Name)
		assert.Equal(t, "", got[2].Health, "no healthcheck, no health")
		require.Len(t, got[2].Ports, 1)
		assert.Regexp(t, `^127\.0\.0\.1:[0-9]+->8080/tcp$`, got[2].Ports[0])
	})

	t.Run("every project when none is named", func(t *testing.T) {
		got, err := e.Containers(ctx)
		require.NoError(t, err)
		var ours []string
		for _, c := range got {
			if strings.HasPrefix(c.Project, f.project) {
				ours = append(ours, c.Project+"/"+c.Service)
			}
		}
		assert.Equal(t, []string{f.project + "/healthy", f.project + "-other/talker", f.project + "/stopped", f.project + "/talker"}, ours)
	})

	t.Run("images by reference and by ID, a missing one left out", func(t *testing.T) {
		cs, err := e.Containers(ctx, f.project)
		require.NoError(t, err)
		require.NotEmpty(t, cs)
		id := cs[0].ImageID
		assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, id)
		got, err := e.Images(ctx, f.image, id, "khepri-enginetest-missing:1")
		require.NoError(t, err)
		assert.Equal(t, map[string]Image{f.image: {ID: id}, id: {ID: id}}, got)
		got, err = e.Images(ctx, f.image, id)
		require.NoError(t, err, "all there: one inspection")
		assert.Len(t, got, 2)
	})

	t.Run("logs carry stdout and stderr with timestamps", func(t *testing.T) {
		var lines []string
		require.Eventually(t, func() bool {
			lines = readLogs(t, ctx, e, talker, LogOptions{Tail: -1})
			return len(lines) == 6
		}, 30*time.Second, 200*time.Millisecond, "lines: %q", lines)
		for _, l := range lines {
			ts, _, ok := strings.Cut(l, " ")
			require.True(t, ok, l)
			_, err := time.Parse(time.RFC3339Nano, ts)
			assert.NoError(t, err, l)
		}
		// stdout and stderr reach the reader through two pipes, so only the set of
		// lines is fixed here; the logs command orders them by timestamp.
		assert.ElementsMatch(t, []string{"line 1", "line 2", "line 3", "line 4", "line 5", "line 6"}, texts(lines))
	})

	t.Run("logs --tail and --since", func(t *testing.T) {
		assert.Len(t, readLogs(t, ctx, e, talker, LogOptions{Tail: 2}), 2)
		assert.Empty(t, readLogs(t, ctx, e, talker, LogOptions{Tail: -1, Since: time.Now().Add(time.Hour).Format(time.RFC3339)}))
	})

	t.Run("logs of a missing container fail", func(t *testing.T) {
		r, err := e.Logs(ctx, f.project+"-missing", LogOptions{Tail: -1})
		require.NoError(t, err)
		_, err = io.ReadAll(r)
		assert.ErrorContains(t, err, "No such container")
	})

	t.Run("exec runs in the container and returns its status", func(t *testing.T) {
		var out, errOut bytes.Buffer
		err := e.Exec(ctx, healthy, []string{"/probe", "echo", "a b", "c"}, ExecOptions{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut})
		require.NoError(t, err, errOut.String())
		assert.Equal(t, "a b\nc\n", out.String())

		err = e.Exec(ctx, healthy, []string{"/probe", "exit", "7"}, ExecOptions{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut})
		var exit *ExitError
		require.ErrorAs(t, err, &exit)
		assert.Equal(t, 7, exit.Code)

		err = e.Exec(ctx, f.project+"-missing", []string{"/probe"}, ExecOptions{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut})
		require.Error(t, err)
		assert.False(t, errors.As(err, &exit), "a missing container is the engine's error, not the command's: %v", err)
		assert.Contains(t, err.Error(), "No such container")
	})
}

func readLogs(t *testing.T, ctx context.Context, e Engine, container string, opts LogOptions) []string {
	t.Helper()
	r, err := e.Logs(ctx, container, opts)
	require.NoError(t, err)
	data, err := io.ReadAll(r)
	require.NoError(t, err)
	require.NoError(t, r.Close())
	s := strings.TrimSpace(string(data))
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func texts(lines []string) []string {
	var out []string
	for _, l := range lines {
		_, text, _ := strings.Cut(l, " ")
		out = append(out, text)
	}
	return out
}
