// Package service turns one compose service into an oci-containers container and the
// additions to its systemd unit.
package service

import (
	"maps"
	"slices"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/imagepin"
	"github.com/khepri-nix/khepri/plugin/naming"
	"github.com/khepri-nix/khepri/plugin/parse"
	"github.com/khepri-nix/khepri/plugin/systemd"
	"github.com/khepri-nix/khepri/plugin/verbatim"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// Resource is a composition network or volume as the engine knows it.
type Resource struct {
	// Name is the engine-side name.
	Name string
	// Unit is the khepri unit creating it, with suffix; empty when external.
	Unit string
}

// Composition is what a service sees of its composition, names already resolved.
type Composition struct {
	Name    string
	Backend naming.Backend
	// Path is the composition's option path.
	Path diag.Path
	// Networks and Volumes by key. Networks holds "default" even when undeclared.
	Networks map[string]Resource
	Volumes  map[string]Resource
	// Containers maps every service of the composition that runs to its container name.
	Containers map[string]string
	// Inactive maps the services that do not run (enable, profiles) to the reason.
	Inactive map[string]string
	// Replicas maps a scaled service to its containers; Containers holds the first.
	Replicas map[string][]string
	// Await maps a service that others wait for to what they wait for: Started (its
	// container runs), Healthy or Completed.
	Await map[string]string
	// Rootless is the user a rootless composition runs as; nil runs it rootful.
	Rootless *systemd.Rootless
	// Secrets and Configs are the composition's, by key.
	Secrets map[string]*khepriv1.Secret
	Configs map[string]*khepriv1.Config
	// Images is the host's image lock and policy; ImageFetch the composition's
	// image_fetch, or the host's.
	Images     imagepin.Policy
	ImageFetch string
}

// ContainersOf lists the containers of a service that runs: its replicas, or the one.
func (c *Composition) ContainersOf(service string) []string {
	if names, ok := c.Replicas[service]; ok {
		return names
	}
	return []string{c.Containers[service]}
}

// PortUse is a published port and the option it came from.
type PortUse struct {
	Port parse.Port
	// Spec is the entry as written.
	Spec string
	Path diag.Path
}

// Result is a service expanded.
type Result struct {
	Container *khepriv1.Container
	// Unit extends the container's oci-containers unit.
	Unit *khepriv1.SystemdService
	// Networks and Volumes are the keys the service uses.
	Networks []string
	Volumes  []string
	// Ports are its published ports, for the host-wide conflict check.
	Ports []PortUse
	// DependsOn lists the services it depends on that exist, for the cycle check:
	// through dependsOn, and through `service:` references.
	DependsOn []string
	// DependsVia names the option each dependency comes from.
	DependsVia map[string]string
	// ImageFetch is set when Nix fetches the container's image into the store.
	ImageFetch *khepriv1.ImageFetch
	// Build is set when the image is built on the host (compose `build`).
	Build *BuildUnit
	// Pull is set when the composition's pull unit keeps the image current.
	Pull *PullSchedule
}

// Build expands one service, reporting problems to d. It never fails: with errors in d,
// the result is incomplete and the caller discards it.
func Build(c *Composition, name string, svc *khepriv1.Service, d *diag.Collector) Result {
	if svc == nil {
		// The optional fields are read directly (presence matters), so never from nil.
		svc = &khepriv1.Service{}
	}
	r := &run{
		c:    c,
		name: name,
		svc:  svc,
		path: c.Path.Field("services").Key(name),
		d:    d,
		ctr: &khepriv1.Container{
			Image:       svc.GetImage(),
			ImageFile:   svc.GetImageFile(),
			ImageStream: svc.GetImageStream(),
		},
		unit: &khepriv1.SystemdService{},
		deps: map[string]string{},
	}
	return r.build()
}

// build runs the steps. Each appends its flags, so their order fixes the command line's.
func (r *run) build() Result {
	res := Result{Container: r.ctr}
	switch {
	case r.svc.GetBuild() != nil:
		res.Build = r.buildImage()
	case r.ctr.Image != "":
		// A derivation's imageName:imageTag lands here too: the unit runs it by that name.
		if err := verbatim.Image(r.ctr.Image); err != nil {
			r.d.Errorf(r.path.Field("image"), "%v", err)
		} else if r.ctr.ImageFile == "" && r.ctr.ImageStream == "" {
			// A derivation's image comes from the store: there is nothing to lock.
			res.ImageFetch = r.pinImage()
		}
	case r.ctr.ImageFile != "" || r.ctr.ImageStream != "":
		// nixlib/expand.nix names a derivation image by its imageName and imageTag.
		r.d.Errorf(r.path.Field("image"), "the image derivation is not a dockerTools image: it has no imageName and imageTag to run it by; use pkgs.dockerTools (pullImage, buildImage, buildLayeredImage, streamLayeredImage), or set image to the name:tag inside imageFile")
	default:
		r.d.Errorf(r.path.Field("image"), "image is empty: set an image reference or an image derivation (dockerTools)")
	}
	r.commandLine()
	r.environment()
	res.Volumes = r.mounts()
	r.files()
	envDir := r.envFiles()
	res.Ports = r.ports()
	r.capabilities()
	r.devices()
	r.labels()
	// A service with a network mode joins no network of the composition (runSettings
	// maps the mode).
	if r.svc.GetNetworkMode() == "" {
		res.Networks = r.networks()
	}
	r.extraHosts()

	res.DependsOn = r.dependencies()
	for _, k := range res.Networks {
		addUnit(r.unit, r.c.Networks[k].Unit, true)
	}
	for _, k := range res.Volumes {
		addUnit(r.unit, r.c.Volumes[k].Unit, true)
	}
	r.restart()
	res.DependsVia = map[string]string{}
	for _, dep := range res.DependsOn {
		res.DependsVia[dep] = "dependsOn"
	}
	implicit := r.runSettings()
	if res.ImageFetch != nil {
		r.neverPull()
	}
	if res.Build != nil {
		r.builtPull()
		addUnit(r.unit, naming.Service(res.Build.Name), true)
	}
	res.Pull = r.pullSchedule(res)
	for _, dep := range slices.Sorted(maps.Keys(implicit)) {
		if _, ok := res.DependsVia[dep]; !ok {
			res.DependsOn = append(res.DependsOn, dep)
			res.DependsVia[dep] = implicit[dep]
		}
	}
	if envDir != "" {
		setService(r.unit, "RuntimeDirectory", envDir)
	}
	r.unit.PreStart = r.pre.String()
	r.readiness()
	if rl := r.c.Rootless; rl != nil {
		r.ctr.Podman = &khepriv1.ContainerPodman{User: rl.User}
		rl.Container(r.unit)
	}
	target := naming.TargetFile(naming.Target(r.c.Name))
	r.unit.PartOf = append(r.unit.PartOf, target)
	r.unit.WantedBy = []string{target}
	for _, l := range []*[]string{&r.unit.After, &r.unit.Requires, &r.unit.Wants, &r.unit.PartOf} {
		slices.Sort(*l)
		*l = slices.Compact(*l)
	}
	res.Unit = r.unit
	r.argLimits()
	return res
}
