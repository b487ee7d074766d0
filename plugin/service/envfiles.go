package service

import (
	"maps"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"google.golang.org/protobuf/types/known/structpb"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/naming"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// envFiles has the container's unit read the service's env files before every start,
// with compose's parser, and write the variables into one file in the literal
// KEY=VALUE form the engine's --env-file reads (`khepri env-file`, in the unit's
// preStart). Given the files themselves, docker and podman would take every line
// literally: quotes, `# comments` and `KEY = value` would reach the container as
// written, where compose strips or refuses them.
//
// It returns the RuntimeDirectory= the unit needs for the written file, if any: the
// file lives in memory, and systemd removes it when the unit stops. oci-containers
// gives a podman unit /run/<container> (owned by the user a rootless one runs as,
// whose preStart writes the file), and a docker unit none, so khepri adds
// /run/khepri/<container>: container names are unique on a host.
func (r *run) envFiles() (runtimeDir string) {
	if len(r.svc.GetEnvFile()) == 0 {
		return ""
	}
	container := r.c.Containers[r.name]
	out := path.Join("/run", container, "khepri.env")
	if r.c.Backend == naming.Docker {
		runtimeDir = path.Join("khepri", container)
		out = path.Join("/run", runtimeDir, "env")
	}
	args := []string{"khepri", "env-file", "--out", out}
	// `${VAR}` in an env file resolves against the service's environment first, as in
	// compose; its values are in the unit's script anyway, as oci-containers' -e flags.
	for _, k := range slices.Sorted(maps.Keys(r.ctr.GetEnvironment())) {
		args = append(args, "--env", k+"="+r.ctr.GetEnvironment()[k])
	}
	for i, v := range r.svc.GetEnvFile() {
		f, fp, ok := r.envFile(v, r.path.Field("envFile").Index(i))
		if !ok {
			continue
		}
		flag := "--file"
		switch {
		case f.Required != nil && !f.GetRequired() && f.GetFormat() == "raw":
			flag = "--optional-raw-file"
		case f.Required != nil && !f.GetRequired():
			flag = "--optional-file"
		case f.GetFormat() == "raw":
			flag = "--raw-file"
		}
		if strings.HasPrefix(f.GetPath(), "/nix/store/") {
			r.d.Warnf(fp, "the env file %s is in the Nix store, which every user of the host can read; keep env files in runtime paths (a Nix path such as ./app.env is copied to the store, toString ./app.env is not)", f.GetPath())
		}
		args = append(args, flag, f.GetPath())
	}
	r.pre.add(args...)
	r.ctr.EnvironmentFiles = []string{out}
	return runtimeDir
}

// envFile reads one env_file entry, a path (compose's short syntax) or an EnvFile (its
// long syntax), and reports what is wrong with it. fp is the option path of its path.
func (r *run) envFile(v *structpb.Value, p diag.Path) (f *khepriv1.EnvFile, fp diag.Path, ok bool) {
	switch k := v.GetKind().(type) {
	case *structpb.Value_StringValue:
		f, fp = &khepriv1.EnvFile{Path: k.StringValue}, p
	case *structpb.Value_StructValue:
		f, fp = &khepriv1.EnvFile{}, p.Field("path")
		if err := decodeLong(k.StructValue, f); err != nil {
			r.d.Errorf(p, "invalid env file: %v", err)
			return nil, p, false
		}
	default:
		r.d.Errorf(p, "invalid env file: expected a path, or an attribute set in long syntax")
		return nil, p, false
	}
	ok = true
	// The file is read when the container starts, with no project directory to resolve
	// a relative path against.
	if !filepath.IsAbs(f.GetPath()) {
		r.d.Errorf(fp, "environment file %q must be an absolute path (a runtime path or a Nix path); khepri has no project directory", f.GetPath())
		ok = false
	}
	// compose itself knows its own syntax and raw, which its CLI registers.
	if f.GetFormat() != "" && f.GetFormat() != "raw" {
		r.d.Errorf(p.Field("format"), "format %q is not an env_file format: leave it unset for compose's syntax (quotes, comments, ${VAR}), or set \"raw\" to take the lines literally", f.GetFormat())
		ok = false
	}
	return f, fp, ok
}
