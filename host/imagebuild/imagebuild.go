// Package imagebuild builds a service's image for its build unit (`khepri build-image`):
// only when the image's content-derived tag is missing, keeping the build's last lines
// for the message of a failed build, and removing the service's earlier images after a
// new one is built.
package imagebuild

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Label is the label on every image khepri builds, valued `<composition>/<service>`
// (plugin/naming.BuildLabel): it finds the service's earlier images.
const Label = "khepri.build"

// LastLines is how many of a failed build's last lines its error repeats.
const LastLines = 20

// Build is one service's image build, as its unit gives it.
type Build struct {
	// Engine is "docker" or "podman".
	Engine string
	// Tag is the content-derived tag the containers run; Also are further names.
	Tag  string
	Also []string
	// Service is `<composition>/<service>`, the value of Label on its images.
	Service string
	// Dockerfile is the Dockerfile's path, or "" when Inline holds the Dockerfile.
	Dockerfile string
	Inline     string
	// Args are the build's other flags, then its context.
	Args []string
	// BuildKit: docker builds with BuildKit (DOCKER_BUILDKIT=1).
	BuildKit bool
	// KeepOld keeps the service's earlier images.
	KeepOld bool
}

// Engine runs the engine's commands; tests give a fake.
type Engine interface {
	// Run runs a command with env added to its environment, its output to out.
	Run(ctx context.Context, env []string, out io.Writer, argv ...string) error
	// Output runs a command and returns its standard output.
	Output(ctx context.Context, argv ...string) ([]byte, error)
}

// Run builds b's image unless its tag exists, writing the build's output to out.
func Run(ctx context.Context, b Build, e Engine, out io.Writer) error {
	if exists(ctx, b, e) {
		fmt.Fprintf(out, "khepri: image %s is built already\n", b.Tag)
		return nil
	}
	dockerfile := b.Dockerfile
	if dockerfile == "" {
		dir, err := os.MkdirTemp("", "khepri-build-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		dockerfile = filepath.Join(dir, "Dockerfile")
		if err := os.WriteFile(dockerfile, []byte(b.Inline), 0o644); err != nil {
			return err
		}
	}
	argv := []string{b.Engine, "build", "--file", dockerfile, "--tag", b.Tag}
	for _, t := range b.Also {
		argv = append(argv, "--tag", t)
	}
	argv = append(argv, b.Args...)
	var env []string
	if b.BuildKit && b.Engine == "docker" {
		env = append(env, "DOCKER_BUILDKIT=1")
	}
	fmt.Fprintf(out, "khepri: building image %s of %s\n", b.Tag, b.Service)
	tail := &lastLines{n: LastLines}
	if err := e.Run(ctx, env, io.MultiWriter(out, tail), argv...); err != nil {
		return fmt.Errorf("building image %s of %s failed (%v); its containers do not start. The build's last lines:\n%s",
			b.Tag, b.Service, err, tail.String())
	}
	if !b.KeepOld {
		prune(ctx, b, e, out)
	}
	return nil
}

func exists(ctx context.Context, b Build, e Engine) bool {
	if b.Engine == "podman" {
		_, err := e.Output(ctx, "podman", "image", "exists", b.Tag)
		return err == nil
	}
	_, err := e.Output(ctx, "docker", "image", "inspect", "--format", "{{.Id}}", b.Tag)
	return err == nil
}

// prune removes the names of the service's earlier images, so that each build does not
// leave a whole image behind; an image a container still uses is kept, and said so.
func prune(ctx context.Context, b Build, e Engine, out io.Writer) {
	id, err := e.Output(ctx, b.Engine, "image", "inspect", "--format", "{{.Id}}", b.Tag)
	if err != nil {
		fmt.Fprintf(out, "khepri: earlier images of %s kept: %v\n", b.Service, err)
		return
	}
	current := bareID(string(id))
	list, err := e.Output(ctx, b.Engine, "image", "ls", "--no-trunc", "--filter", "label="+Label+"="+b.Service,
		"--format", "{{.ID}} {{.Repository}}:{{.Tag}}")
	if err != nil {
		fmt.Fprintf(out, "khepri: earlier images of %s kept: %v\n", b.Service, err)
		return
	}
	for _, line := range strings.Split(strings.TrimSpace(string(list)), "\n") {
		id, ref, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok || bareID(id) == current {
			continue
		}
		if ref == "<none>:<none>" {
			ref = id
		}
		if err := e.Run(ctx, nil, io.Discard, b.Engine, "image", "rm", ref); err != nil {
			fmt.Fprintf(out, "khepri: kept the earlier image %s of %s: %v\n", ref, b.Service, err)
			continue
		}
		fmt.Fprintf(out, "khepri: removed the earlier image %s of %s\n", ref, b.Service)
	}
}

// bareID is an image ID without its algorithm, as docker and podman differ in writing it.
func bareID(id string) string {
	return strings.TrimPrefix(strings.TrimSpace(id), "sha256:")
}

// lastLines keeps the last n lines written to it.
type lastLines struct {
	n     int
	lines []string
	part  bytes.Buffer
}

func (l *lastLines) Write(p []byte) (int, error) {
	for _, c := range p {
		if c != '\n' {
			l.part.WriteByte(c)
			continue
		}
		l.lines = append(l.lines, l.part.String())
		l.part.Reset()
		if len(l.lines) > l.n {
			l.lines = l.lines[1:]
		}
	}
	return len(p), nil
}

func (l *lastLines) String() string {
	lines := l.lines
	if l.part.Len() > 0 {
		lines = append(lines, l.part.String())
		if len(lines) > l.n {
			lines = lines[1:]
		}
	}
	return strings.Join(lines, "\n")
}
