package service

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/distribution/reference"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/naming"
	"github.com/khepri-nix/khepri/plugin/parse"
	"github.com/khepri-nix/khepri/plugin/systemd"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// BuildUnit is the unit that builds a service's image.
type BuildUnit struct {
	// Name is the unit's name without suffix.
	Name string
	Unit *khepriv1.SystemdService
}

// tagLength is how many hex digits of the build's SHA-256 its tag keeps: 128 bits, as
// collision-free as a Nix store path's hash.
const tagLength = 32

var (
	// storePathRe is a store path, or a directory inside one (`${src}/docker`).
	storePathRe = regexp.MustCompile(`^/nix/store/[0-9a-df-np-sv-z]{32}-[-.+_?=0-9a-zA-Z]+(/[^\x00]*)?$`)
	// buildNameRe is a build context's name, or a build argument's.
	buildNameRe = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_.-]*$`)
	// stageRe is a Dockerfile stage name.
	stageRe = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_.-]*$`)
)

// buildImage expands a service's build: the container runs the image the build unit
// makes, under a tag derived from the context's store path and every other build input,
// so that a change of any of them is a new tag, a new unit and a new container, and no
// change never builds again. With errors reported the unit is incomplete, and discarded.
func (r *run) buildImage() *BuildUnit {
	b := r.svc.GetBuild()
	bp := r.path.Field("build")
	if r.ctr.ImageFile != "" || r.ctr.ImageStream != "" {
		r.d.Errorf(r.path.Field("image"), "image is an image derivation, which Nix builds, and build builds an image too: keep one of them (image may name the built image as a string)")
	}
	spec := systemd.ImageBuild{Backend: r.c.Backend, Composition: r.c.Name, Service: r.name, KeepOld: b.GetKeepOld(), Rootless: r.c.Rootless}
	ctx, err := buildContext(b.GetContext())
	if err != nil {
		r.d.Errorf(bp.Field("context"), "%v", err)
	}
	spec.Context = ctx
	spec.Dockerfile, spec.Inline = r.dockerfile(ctx)
	repo, extra := r.buildNames()
	spec.Tags = extra
	flags := &buildFlags{b: b, c: r.c, p: bp, d: r.d, podman: r.podman()}
	flags.all()
	spec.Flags = append(flags.args, "--label", naming.BuildLabel+"="+spec.Label())
	spec.BuildKit = flags.buildKit
	if err := systemd.CheckArgs(append([]string{spec.Inline}, spec.Flags...)...); err != nil {
		r.d.Errorf(bp, "%v", err)
	}
	spec.Tag = repo + ":" + contentHash(spec)
	r.ctr.Image = spec.Tag
	return &BuildUnit{Name: naming.BuildUnit(r.c.Name, r.name), Unit: systemd.Build(spec)}
}

// contentHash digests everything the build reads that the configuration says: the
// context's store path (itself a digest of its contents), the Dockerfile, the flags and
// the names. Each word is length-prefixed, so that no two builds write the same stream.
func contentHash(b systemd.ImageBuild) string {
	h := sha256.New()
	words := append([]string{"context", b.Context, "dockerfile", b.Dockerfile, "inline", b.Inline, "tags"}, b.Tags...)
	words = append(append(words, "flags"), b.Flags...)
	if b.BuildKit {
		words = append(words, "buildkit")
	}
	for _, w := range words {
		fmt.Fprintf(h, "%d:%s", len(w), w)
	}
	return hex.EncodeToString(h.Sum(nil))[:tagLength]
}

// buildContext checks a context: a store path (Nix copies a path there). A string
// outside the store, relative or naming a repository, would not be reproducible.
func buildContext(ctx string) (string, error) {
	switch {
	case ctx == "":
		return "", fmt.Errorf("the build has no context: set it to the directory to build, a Nix path such as ./app (copied to the store) or a derivation")
	case isRemote(ctx):
		return "", fmt.Errorf("context %q is fetched by the engine when the unit runs, whatever it holds then: fetch it with Nix at a pinned revision instead, context = builtins.fetchGit { url = \"…\"; rev = \"<commit>\"; } (or a fixed-output fetcher such as pkgs.fetchFromGitHub with its hash)", ctx)
	case !strings.HasPrefix(ctx, "/"):
		return "", fmt.Errorf("context %q is a relative path in a string, which nothing resolves once Nix has evaluated it: write a Nix path (./app, relative to the Nix file), which Nix copies to the store", ctx)
	case !storePathRe.MatchString(ctx):
		return "", fmt.Errorf("context %q is a path outside the Nix store, whose contents can change while the configuration does not, so the image would not be rebuilt when they do: write it as a Nix path (./app, or /srv/app without quotes), which Nix copies to the store, or give a derivation", ctx)
	}
	return path.Clean(ctx), nil
}

// isRemote says whether a context is a URL or a git remote, which compose hands to the
// builder to fetch.
func isRemote(ctx string) bool {
	return strings.Contains(ctx, "://") || strings.HasPrefix(ctx, "git@") || strings.HasPrefix(ctx, "github.com/")
}

// dockerfile checks the Dockerfile's path, relative to the context (compose reads it
// so), or takes the inline one.
func (r *run) dockerfile(ctx string) (file, inline string) {
	b, p := r.svc.GetBuild(), r.path.Field("build")
	f, in := b.GetDockerfile(), b.GetDockerfileInline()
	switch {
	case f != "" && in != "":
		r.d.Errorf(p.Field("dockerfileInline"), "dockerfile and dockerfileInline both give the Dockerfile; keep one of them")
	case in != "":
		return "", in
	case f == "":
		f = "Dockerfile"
	}
	clean := path.Clean(f)
	if strings.HasPrefix(f, "/") || clean == ".." || strings.HasPrefix(clean, "../") {
		r.d.Errorf(p.Field("dockerfile"), "dockerfile %q is outside the context: give its path inside the context (docker/Dockerfile), or the Dockerfile itself as dockerfileInline", f)
		return "", ""
	}
	if ctx == "" {
		return "", ""
	}
	return path.Join(ctx, clean), ""
}

// buildNames is the repository of the content-derived tag, and the further names of the
// image: `image` (compose's image + build tags the built image so) and `tags`.
func (r *run) buildNames() (repo string, names []string) {
	repo = naming.BuildRepository(r.c.Name, r.name)
	if img := r.svc.GetImage(); img != "" && r.svc.GetImageFile() == "" && r.svc.GetImageStream() == "" {
		ref, err := reference.ParseNormalizedNamed(img)
		switch {
		case err != nil:
			// service.Build reports the reference.
		case isDigested(ref):
			r.d.Errorf(r.path.Field("image"), "image %q has a digest, which an image built here has not: name the built image by a tag, or drop build to run the image by its digest", img)
		default:
			repo = strings.TrimSuffix(img, ":"+tagOf(ref))
			names = append(names, img)
		}
	}
	if _, err := reference.ParseNormalizedNamed(repo + ":0"); err != nil {
		r.d.Errorf(r.path, "the built image would be named %s, which is no valid image name (%v): set image to name it", repo, err)
	}
	for i, t := range r.svc.GetBuild().GetTags() {
		ref, err := reference.ParseNormalizedNamed(t)
		switch {
		case err != nil:
			r.d.Errorf(r.path.Field("build").Field("tags").Index(i), "invalid image name %q: %v; a tag is [registry[:port]/]name[:tag], lowercase name", t, err)
		case isDigested(ref):
			r.d.Errorf(r.path.Field("build").Field("tags").Index(i), "tag %q has a digest, which names an image rather than tagging it: drop the digest", t)
		default:
			names = append(names, t)
		}
	}
	return repo, names
}

func isDigested(ref reference.Named) bool {
	_, ok := ref.(reference.Digested)
	return ok
}

func tagOf(ref reference.Named) string {
	if t, ok := ref.(reference.Tagged); ok {
		return t.Tag()
	}
	return ""
}

// builtPull keeps a container whose image is built here from pulling it: the
// content-derived tag exists in no registry.
func (r *run) builtPull() {
	switch {
	case r.ctr.Pull == nil:
		never := "never"
		r.ctr.Pull = &never
	case *r.ctr.Pull == "always" || *r.ctr.Pull == "newer":
		r.d.Errorf(r.path.Field("pullPolicy"), "pull policy %q pulls the image, which build builds on this host: drop pullPolicy (or set it to \"build\")", *r.ctr.Pull)
	default:
		never := "never"
		r.ctr.Pull = &never
	}
}

// buildFlags renders the build command's flags, each compose key to the engine's flag
// or an error that says why it cannot be.
type buildFlags struct {
	b      *khepriv1.Build
	c      *Composition
	p      diag.Path
	d      *diag.Collector
	podman bool
	args   []string
	// buildKit: docker's classic builder lacks a flag the build uses.
	buildKit bool
}

func (f *buildFlags) flag(words ...string) { f.args = append(f.args, words...) }

func (f *buildFlags) all() {
	f.arguments()
	f.stage()
	f.runSteps()
	f.cache()
	f.secrets()
	f.ssh()
	f.contexts()
}

func (f *buildFlags) arguments() {
	args, unset, err := parse.Environment(f.b.GetArgs())
	if err != nil {
		f.d.Errorf(f.p.Field("args"), "%v", err)
	}
	for _, k := range unset {
		f.d.Errorf(f.p.Field("args").Key(k), "build argument %s has no value: compose would take it from the shell running compose, and a NixOS evaluation has no such environment; write %s=value", k, k)
	}
	for _, k := range slices.Sorted(maps.Keys(args)) {
		if !buildNameRe.MatchString(k) {
			f.d.Errorf(f.p.Field("args").Key(k), "invalid build argument name %q: use letters, digits and '_', as a Dockerfile's ARG names them", k)
			continue
		}
		f.flag("--build-arg", k+"="+args[k])
	}
	for _, k := range slices.Sorted(maps.Keys(f.b.GetLabels())) {
		switch err := systemd.LabelName(f.c.Backend, k); {
		case err != nil:
			f.d.Errorf(f.p.Field("labels").Key(k), "%v", err)
		case k == naming.BuildLabel:
			f.d.Errorf(f.p.Field("labels").Key(k), "label %s is set by khepri, which finds the service's earlier images by it; remove it", k)
		default:
			f.flag("--label", k+"="+f.b.GetLabels()[k])
		}
	}
}

func (f *buildFlags) stage() {
	if t := f.b.GetTarget(); t != "" {
		if stageRe.MatchString(t) {
			f.flag("--target", t)
		} else {
			f.d.Errorf(f.p.Field("target"), "invalid build stage %q: a stage is named by a letter followed by letters, digits, '_', '.' and '-' (FROM … AS name)", t)
		}
	}
	switch ps := f.b.GetPlatforms(); {
	case len(ps) == 1:
		f.flag("--platform", ps[0])
	case len(ps) > 1:
		f.d.Errorf(f.p.Field("platforms"), "an engine's image store holds one platform of a built image, and the container runs that one: list one platform (the host's), or build the multi-platform image elsewhere and push it")
	}
	if f.b.GetPrivileged() {
		f.d.Errorf(f.p.Field("privileged"), "privileged build steps need BuildKit's security.insecure entitlement, which docker build and podman build do not grant from the command line: do the privileged work at run time, or build the image elsewhere")
	}
	if f.b.GetNoCache() {
		f.flag("--no-cache")
	}
	if f.b.GetPull() {
		if f.podman {
			f.flag("--pull=always")
		} else {
			f.flag("--pull")
		}
	}
}

// runSteps maps the settings of the RUN steps' containers.
func (f *buildFlags) runSteps() {
	switch n := f.b.GetNetwork(); n {
	case "":
	case "default":
		// Both engines' default; podman names it "private".
	case "host", "none":
		f.flag("--network", n)
	default:
		f.d.Errorf(f.p.Field("network"), "build network %q: the build's RUN steps take \"default\", \"host\" or \"none\"; BuildKit (docker's builder) runs them on no other network", n)
	}
	for i, s := range f.b.GetExtraHosts() {
		h, err := parse.ParseExtraHost(s)
		if err != nil {
			f.d.Errorf(f.p.Field("extraHosts").Index(i), "%v", err)
			continue
		}
		f.flag(h.Flag())
	}
	if n, set, err := parse.Bytes(f.b.GetShmSize(), false); err != nil {
		f.d.Errorf(f.p.Field("shmSize"), "%v", err)
	} else if set {
		f.flag("--shm-size", itoa64(n))
	}
	for _, k := range slices.Sorted(maps.Keys(f.b.GetUlimits())) {
		v, err := ulimitValue(k, f.b.GetUlimits()[k])
		if err != nil {
			f.d.Errorf(f.p.Field("ulimits").Key(k), "%v", err)
			continue
		}
		f.flag("--ulimit", v)
	}
}

// ulimitValue renders one ulimit as `--ulimit` takes it (docker run and build alike),
// `name=soft:hard`.
func ulimitValue(k string, u *khepriv1.Ulimit) (string, error) {
	switch {
	case k == "" || strings.ContainsAny(k, "=: "):
		return "", fmt.Errorf("invalid ulimit name %q: use a name such as nofile or nproc", k)
	case u.GetSoft() < -1 || u.GetHard() < -1:
		return "", fmt.Errorf("ulimit %s: limits must be -1 (unlimited) or more", k)
	case u.GetHard() != -1 && (u.GetSoft() == -1 || u.GetSoft() > u.GetHard()):
		return "", fmt.Errorf("ulimit %s: the soft limit %d is above the hard limit %d", k, u.GetSoft(), u.GetHard())
	}
	return k + "=" + itoa64(u.GetSoft()) + ":" + itoa64(u.GetHard()), nil
}

func (f *buildFlags) cache() {
	for i, ref := range f.b.GetCacheFrom() {
		if err := cacheImage(ref); err != nil {
			f.d.Errorf(f.p.Field("cacheFrom").Index(i), "%v", err)
			continue
		}
		f.flag("--cache-from", ref)
	}
	for i, ref := range f.b.GetCacheTo() {
		p := f.p.Field("cacheTo").Index(i)
		if !f.podman {
			f.d.Errorf(p, "docker build exports no cache (buildx build does, with a builder of its own, not the engine's): drop cacheTo; the engine keeps the layers it built")
			continue
		}
		if err := cacheImage(ref); err != nil {
			f.d.Errorf(p, "%v", err)
			continue
		}
		f.flag("--cache-to", ref)
	}
}

// cacheImage checks a cache source or destination: an image repository, the form both
// engines take; buildx's `type=…` backends are not the engines'.
func cacheImage(ref string) error {
	if strings.Contains(ref, "type=") || strings.Contains(ref, ",") {
		return fmt.Errorf("cache %q names a buildx cache backend, which docker build and podman build do not read: give an image (registry.example/app/cache)", ref)
	}
	if _, err := reference.ParseNormalizedNamed(ref); err != nil {
		return fmt.Errorf("invalid cache image %q: %v", ref, err)
	}
	return nil
}

// secrets hands the build the composition's secret files, by the id the Dockerfile's
// `RUN --mount=type=secret,id=…` reads (compose: target, else the secret's name). The
// files are read when the build runs, never copied to the store.
func (f *buildFlags) secrets() {
	for i, s := range f.b.GetSecrets() {
		p := f.p.Field("secrets").Index(i)
		decl, ok := f.c.Secrets[s.GetSource()]
		switch {
		case !ok:
			f.d.Errorf(p.Field("source"), "secret %q is not declared in %s; declare it there with its file", s.GetSource(), f.c.Path.Field("secrets"))
			continue
		case decl.GetFile() == "":
			// The declaration has its own error.
			continue
		case s.GetUid() != "" || s.GetGid() != "" || s.GetMode() != "":
			f.d.Errorf(p, "a build secret's owner and mode are set where the Dockerfile mounts it (RUN --mount=type=secret,uid=…,mode=…): remove uid, gid and mode here")
			continue
		}
		id := s.GetSource()
		if s.GetTarget() != "" {
			id = s.GetTarget()
		}
		if !buildNameRe.MatchString(id) {
			f.d.Errorf(p.Field("target"), "invalid build secret id %q: use letters, digits, '_', '.' and '-'", id)
			continue
		}
		f.flag("--secret", "id="+id+",src="+decl.GetFile())
		f.buildKit = true
	}
}

// ssh hands the build SSH keys or agent sockets by path. compose's bare `default` is the
// agent of the shell running compose, which a unit has not.
func (f *buildFlags) ssh() {
	for i, s := range f.b.GetSsh() {
		p := f.p.Field("ssh").Index(i)
		id, file, ok := strings.Cut(s, "=")
		switch {
		case !buildNameRe.MatchString(id):
			f.d.Errorf(p, "invalid ssh entry %q: write id=/path/to/key (or the path of an agent's socket)", s)
		case !ok || file == "":
			f.d.Errorf(p, "ssh %q takes the SSH agent of the shell running compose (SSH_AUTH_SOCK), which a systemd unit has not: give a key or an agent socket by path, %s=/run/keys/deploy", s, id)
		case !strings.HasPrefix(file, "/"):
			f.d.Errorf(p, "ssh key %q is a relative path, which nothing resolves when the unit runs: give an absolute path", file)
		case strings.HasPrefix(file, "/nix/store/"):
			f.d.Errorf(p, "ssh key %s is in the Nix store, which every user of the host can read: keep keys in runtime paths (a Nix path such as ./id_ed25519 is copied to the store)", file)
		default:
			f.flag("--ssh", s)
			f.buildKit = true
		}
	}
}

// contexts maps further named contexts, store paths like the context.
func (f *buildFlags) contexts() {
	ctxs := f.b.GetAdditionalContexts()
	for _, k := range slices.Sorted(maps.Keys(ctxs)) {
		p := f.p.Field("additionalContexts").Key(k)
		if !buildNameRe.MatchString(k) {
			f.d.Errorf(p, "invalid build context name %q: use letters, digits, '_', '.' and '-'", k)
			continue
		}
		dir, err := buildContext(ctxs[k])
		if err != nil {
			f.d.Errorf(p, "%v", err)
			continue
		}
		f.flag("--build-context", k+"="+dir)
		f.buildKit = true
	}
}
