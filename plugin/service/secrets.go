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
func files(c *Composition, container string, ctr *khepriv1.Container, svc *khepriv1.Service, p diag.Path, d *diag.Collector, pre *preStart) {
	for i, f := range svc.GetSecrets() {
		s, ok := c.Secrets[f.GetSource()]
		mountFile(c, secretKind, container, f, s.GetFile(), ok, ctr, p.Field("secrets").Index(i), d, pre)
	}
	for i, f := range svc.GetConfigs() {
		s, ok := c.Configs[f.GetSource()]
		mountFile(c, configKind, container, f, s.GetFile(), ok, ctr, p.Field("configs").Index(i), d, pre)
	}
}

func mountFile(c *Composition, k fileKind, container string, f *khepriv1.ServiceFile, file string, declared bool, ctr *khepriv1.Container, p diag.Path, d *diag.Collector, pre *preStart) {
	src := f.GetSource()
	if !declared {
		d.Errorf(p.Field("source"), "%s %q is not declared in %s; declare it there with its file", k.singular, src, c.Path.Field(k.field))
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
		d.Errorf(p.Field("target"), "target %q must be an absolute path in the container", target)
		return
	}
	if slices.Contains(strings.Split(f.GetTarget(), "/"), "..") {
		d.Errorf(p.Field("target"), "target %q must not contain '..'", f.GetTarget())
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
				d.Errorf(p.Field(id.field), "%s %q is not a numeric id", id.field, id.value)
				ok = false
			}
			*id.out = id.value
		}
		if f.GetMode() != "" {
			m, err := octalMode(f.GetMode())
			if err != nil {
				d.Errorf(p.Field("mode"), "%v", err)
				ok = false
			}
			mode = m
		}
		if !ok {
			return
		}
		perm := "0" + strconv.FormatUint(uint64(mode), 8)
		if r := c.Rootless; r != nil {
			// A rootless container's ids are the user's subordinate ones: the user's
			// own runtime directory holds the copy, and podman's user namespace
			// gives it the container's owner.
			dir := path.Join(r.RuntimeDir(), "khepri", container, k.field)
			mounted = path.Join(dir, src)
			pre.add("install", "-d", "-m", "0700", "--", dir)
			pre.add("install", "-m", perm, "--", file, mounted)
			pre.add("podman", "unshare", "chown", uid+":"+gid, "--", mounted)
		} else {
			dir := path.Join("/run/khepri", container, k.field)
			mounted = path.Join(dir, src)
			pre.add("install", "-d", "-m", "0700", "--", dir)
			pre.add("install", "-m", perm, "-o", uid, "-g", gid, "--", file, mounted)
		}
	}
	var m mountFields
	m = append(m, "type=bind")
	m.add("source", mounted)
	m.add("target", target)
	m.flag("readonly=true", true)
	ctr.ExtraOptions = append(ctr.ExtraOptions, m.String())
}
