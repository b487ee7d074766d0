package systemd

import (
	"fmt"

	"github.com/khepri-nix/khepri/plugin/naming"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// ImageBuild is what a build unit builds: a service's image from a context in the store,
// under a tag derived from everything the build reads.
type ImageBuild struct {
	Backend     naming.Backend
	Composition string
	Service     string
	// Tag is the content-derived tag the container runs; Tags are further names.
	Tag  string
	Tags []string
	// Flags are the build command's flags other than the tags and the Dockerfile.
	Flags []string
	// Dockerfile is the Dockerfile's path, or "" for Inline.
	Dockerfile string
	// Inline is the Dockerfile's text when it is given inline.
	Inline  string
	Context string
	// BuildKit: on docker, the build needs BuildKit (secrets, ssh, build contexts).
	BuildKit bool
	// KeepOld keeps the service's earlier images, which the unit removes otherwise.
	KeepOld bool
	// Rootless is the user whose podman builds it; nil for root's engine.
	Rootless *Rootless
}

// Label is the value of naming.BuildLabel on the images of the service.
func (b ImageBuild) Label() string { return b.Composition + "/" + b.Service }

// Build builds the unit that builds a service's image with `khepri build-image`: when
// its tag is missing, and not when it is there, since the tag is derived from every
// build input. A failed build fails the unit, with the build's last lines in its
// journal, and so the start of the containers that require it.
func Build(b ImageBuild) *khepriv1.SystemdService {
	words := []string{"khepri", "build-image", "--engine", string(b.Backend), "--tag", b.Tag}
	for _, t := range b.Tags {
		words = append(words, "--also", t)
	}
	words = append(words, "--service", b.Label())
	if b.Dockerfile != "" {
		words = append(words, "--file", b.Dockerfile)
	} else {
		words = append(words, "--inline", b.Inline)
	}
	if b.BuildKit {
		words = append(words, "--buildkit")
	}
	if b.KeepOld {
		words = append(words, "--keep-old")
	}
	words = append(append(append(words, "--"), b.Flags...), b.Context)
	u := &khepriv1.SystemdService{
		Description:   fmt.Sprintf("khepri %s: build the image of %s", b.Composition, b.Service),
		PartOf:        []string{naming.TargetFile(naming.Target(b.Composition))},
		ServiceConfig: map[string]string{"Type": "oneshot", "RemainAfterExit": "true"},
		Script:        Command(words...) + "\n",
	}
	if b.Backend == naming.Docker {
		u.After = []string{"docker.service", "docker.socket"}
	}
	b.Rootless.Own(u)
	return u
}
