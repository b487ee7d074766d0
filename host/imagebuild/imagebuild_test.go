package imagebuild

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeEngine answers from a table of images and records the commands it ran.
type fakeEngine struct {
	images map[string]string // ref -> id
	ls     string
	build  func(argv []string, out io.Writer) error
	ran    [][]string
	env    []string
	inline string
}

func (f *fakeEngine) Run(_ context.Context, env []string, out io.Writer, argv ...string) error {
	f.ran = append(f.ran, argv)
	switch argv[1] {
	case "build":
		f.env = env
		if b, err := os.ReadFile(argv[3]); err == nil {
			f.inline = string(b)
		}
		return f.build(argv, out)
	case "image":
		if argv[2] == "rm" && argv[3] == "khepri/app-web:used" {
			return errors.New("image is in use by a container")
		}
		return nil
	}
	return fmt.Errorf("unexpected %v", argv)
}

func (f *fakeEngine) Output(_ context.Context, argv ...string) ([]byte, error) {
	f.ran = append(f.ran, argv)
	if argv[2] == "ls" {
		return []byte(f.ls), nil
	}
	id, ok := f.images[argv[len(argv)-1]]
	if !ok {
		return nil, errors.New("no such image")
	}
	return []byte(id + "\n"), nil
}

func build() Build {
	return Build{Engine: "docker", Tag: "khepri/app-web:new", Service: "app/web", Dockerfile: "/nix/store/x-ctx/Dockerfile",
		Args: []string{"--label", "khepri.build=app/web", "/nix/store/x-ctx"}}
}

func TestAnImageThatExistsIsNotBuilt(t *testing.T) {
	e := &fakeEngine{images: map[string]string{"khepri/app-web:new": "sha256:1"}}
	var out bytes.Buffer
	require.NoError(t, Run(context.Background(), build(), e, &out))
	assert.Equal(t, [][]string{{"docker", "image", "inspect", "--format", "{{.Id}}", "khepri/app-web:new"}}, e.ran)
	assert.Equal(t, "khepri: image khepri/app-web:new is built already\n", out.String())
}

func TestAMissingImageIsBuiltAndTheEarlierOnesRemoved(t *testing.T) {
	e := &fakeEngine{images: map[string]string{}}
	e.ls = "sha256:2 khepri/app-web:new\nsha256:2 registry.example/web:1\nsha256:1 khepri/app-web:old\nsha256:3 <none>:<none>\nsha256:4 khepri/app-web:used\n"
	e.build = func(argv []string, out io.Writer) error {
		e.images["khepri/app-web:new"] = "sha256:2"
		_, err := io.WriteString(out, "Successfully built 2\n")
		return err
	}
	b := build()
	b.Also = []string{"registry.example/web:1"}
	var out bytes.Buffer
	require.NoError(t, Run(context.Background(), b, e, &out))
	assert.Equal(t, []string{"docker", "build", "--file", "/nix/store/x-ctx/Dockerfile", "--tag", "khepri/app-web:new",
		"--tag", "registry.example/web:1", "--label", "khepri.build=app/web", "/nix/store/x-ctx"}, e.ran[1])
	assert.Empty(t, e.env, "the engine's default builder, unless the build needs BuildKit")
	var removed []string
	for _, argv := range e.ran {
		if len(argv) > 2 && argv[2] == "rm" {
			removed = append(removed, argv[3])
		}
	}
	assert.Equal(t, []string{"khepri/app-web:old", "sha256:3", "khepri/app-web:used"}, removed)
	assert.Contains(t, out.String(), "Successfully built 2\n")
	assert.Contains(t, out.String(), "khepri: removed the earlier image khepri/app-web:old of app/web\n")
	assert.Contains(t, out.String(), "khepri: kept the earlier image khepri/app-web:used of app/web: image is in use by a container\n")
}

func TestKeepOldRemovesNothing(t *testing.T) {
	e := &fakeEngine{images: map[string]string{}, build: func([]string, io.Writer) error { return nil }}
	b := build()
	b.KeepOld, b.BuildKit = true, true
	require.NoError(t, Run(context.Background(), b, e, io.Discard))
	assert.Len(t, e.ran, 2, "the test for the tag, and the build")
	assert.Equal(t, []string{"DOCKER_BUILDKIT=1"}, e.env)
}

func TestAFailedBuildEndsWithItsLastLines(t *testing.T) {
	e := &fakeEngine{images: map[string]string{}}
	e.build = func(_ []string, out io.Writer) error {
		for i := 1; i <= 30; i++ {
			fmt.Fprintf(out, "step %d\n", i)
		}
		_, _ = io.WriteString(out, "COPY failed: file not found")
		return errors.New("exit status 1")
	}
	b := build()
	b.Engine, b.BuildKit = "podman", true
	b.Dockerfile, b.Inline = "", "FROM scratch\nCOPY app /app\n"
	var out bytes.Buffer
	err := Run(context.Background(), b, e, &out)
	require.Error(t, err)
	lines := strings.Split(err.Error(), "\n")
	assert.Equal(t, "building image khepri/app-web:new of app/web failed (exit status 1); its containers do not start. The build's last lines:", lines[0])
	assert.Equal(t, append([]string{}, lines[1:]...)[LastLines-1], "COPY failed: file not found")
	assert.Equal(t, "step 12", lines[1])
	assert.Len(t, lines, 1+LastLines)
	assert.Equal(t, []string{"podman", "image", "exists", "khepri/app-web:new"}, e.ran[0])
	assert.Empty(t, e.env, "DOCKER_BUILDKIT is docker's")
	assert.Equal(t, b.Inline, e.inline, "the inline Dockerfile is the file built")
	assert.Contains(t, out.String(), "step 30\n", "the whole log goes to the journal")
}
