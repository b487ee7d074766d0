package service

import (
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/khepri-nix/khepri/plugin/diag"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// fileKind is a secret or a config: both are files of the host mounted read-only, and
// differ in where they land by default.
type fileKind struct {
	// field is the option name, singular is the word in messages.
	field, singular string
	// dir is where a relative or missing target lands.
	dir string
	// relativeTarget: a relative target is taken under dir (secrets), or refused (configs).
	relativeTarget bool
}

var (
	secretKind = fileKind{field: "secrets", singular: "secret", dir: "/run/secrets", relativeTarget: true}
	configKind = fileKind{field: "configs", singular: "config", dir: "/"}
)

// files mounts the service's secrets and configs. The files are runtime paths (or, for
// configs, store paths): khepri passes their paths and never reads them.
func (r *run) files() {
	for i, f := range r.svc.GetSecrets() {
		s, ok := r.c.Secrets[f.GetSource()]
		r.mountFile(secretKind, f, s.GetFile(), ok, r.path.Field("secrets").Index(i))
	}
	for i, f := range r.svc.GetConfigs() {
		s, ok := r.c.Configs[f.GetSource()]
		r.mountFile(configKind, f, s.GetFile(), ok, r.path.Field("configs").Index(i))
	}
}

// mountFile mounts one secret or config of kind k from its declared file, or from a
// copy with the owner and mode it asks for.
func (r *run) mountFile(k fileKind, f *khepriv1.ServiceFile, file string, declared bool, p diag.Path) {
	container := r.c.Containers[r.name]
	src := f.GetSource()
	if !declared {
		r.d.Errorf(p.Field("source"), "%s %q is not declared in %s; declare it there with its file", k.singular, src, r.c.Path.Field(k.field))
		return
	}
	if file == "" {
		// The declaration has its own error.
		return
	}
	target := f.GetTarget()
	switch {
	case target == "":
		target = path.Join(k.dir, src)
	case !strings.HasPrefix(target, "/") && k.relativeTarget:
		target = path.Join(k.dir, target)
	case !strings.HasPrefix(target, "/"):
		r.d.Errorf(p.Field("target"), "target %q must be an absolute path in the container", target)
		return
	}
	if slices.Contains(strings.Split(f.GetTarget(), "/"), "..") {
		r.d.Errorf(p.Field("target"), "target %q must not contain '..'", f.GetTarget())
		return
	}
	mounted := file
	if f.GetUid() != "" || f.GetGid() != "" || f.GetMode() != "" {
		// A bind mount shows the host file's owner and mode, which a container cannot
		// change; compose sets them on its own copy, and so does khepri: a copy in /run
		// (memory, root only), made before every start.
		uid, gid, mode := "0", "0", uint32(0o444)
		ok := true
		for _, id := range []struct {
			field string
			value string
			out   *string
		}{{"uid", f.GetUid(), &uid}, {"gid", f.GetGid(), &gid}} {
			if id.value == "" {
				continue
			}
			if _, err := strconv.ParseUint(id.value, 10, 32); err != nil {
				r.d.Errorf(p.Field(id.field), "%s %q is not a numeric id", id.field, id.value)
				ok = false
			}
			*id.out = id.value
		}
		if f.GetMode() != "" {
			m, err := octalMode(f.GetMode())
			if err != nil {
				r.d.Errorf(p.Field("mode"), "%v", err)
				ok = false
			}
			mode = m
		}
		if !ok {
			return
		}
		perm := "0" + strconv.FormatUint(uint64(mode), 8)
		if rl := r.c.Rootless; rl != nil {
			// A rootless container's ids are the user's subordinate ones: the user's
			// own runtime directory holds the copy, and podman's user namespace
			// gives it the container's owner.
			dir := path.Join(rl.RuntimeDir(), "khepri", container, k.field)
			mounted = path.Join(dir, src)
			r.pre.add("install", "-d", "-m", "0700", "--", dir)
			r.pre.add("install", "-m", perm, "--", file, mounted)
			r.pre.add("podman", "unshare", "chown", uid+":"+gid, "--", mounted)
		} else {
			dir := path.Join("/run/khepri", container, k.field)
			mounted = path.Join(dir, src)
			r.pre.add("install", "-d", "-m", "0700", "--", dir)
			r.pre.add("install", "-m", perm, "-o", uid, "-g", gid, "--", file, mounted)
		}
	}
	var m mountFields
	m = append(m, "type=bind")
	m.add("source", mounted)
	m.add("target", target)
	m.flag("readonly=true", true)
	r.ctr.ExtraOptions = append(r.ctr.ExtraOptions, m.String())
}
