package service

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/parse"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// mounts maps the service's volumes, short or long syntax, and returns the keys of the
// named volumes used.
func (r *run) mounts() []string {
	var used []string
	for i, v := range r.svc.GetVolumes() {
		p := r.path.Field("volumes").Index(i)
		var lv khepriv1.ServiceVolume
		short, long, ok := r.listEntry(v, p, "volume", &lv)
		if !ok {
			continue
		}
		if !long {
			if k, ok := r.shortMount(short, p); ok && k != "" {
				used = append(used, k)
			}
			continue
		}
		if k := r.longMount(&lv, p); k != "" {
			used = append(used, k)
		}
	}
	slices.Sort(used)
	return slices.Compact(used)
}

// shortMount maps a short-syntax volume to oci-containers' `volumes`, rewriting a named
// volume to its engine name, and returns the volume's key when it names one.
func (r *run) shortMount(s string, p diag.Path) (string, bool) {
	m, err := parse.ParseMount(s)
	if err != nil {
		r.d.Errorf(p, "%v", err)
		return "", false
	}
	key := ""
	switch m.Kind {
	case parse.Named:
		v, ok := r.c.Volumes[m.Source]
		if !ok {
			r.d.Errorf(p, "volume %q is not declared in %s; declare it there, or use an absolute path for a bind mount", m.Source, r.c.Path.Field("volumes"))
			return "", false
		}
		key = m.Source
		m.Source = v.Name
	case parse.Anonymous:
		r.anonymousWarning(p, m.Target)
	}
	r.ctr.Volumes = append(r.ctr.Volumes, m.String())
	return key, true
}

func (r *run) anonymousWarning(p diag.Path, target string) {
	r.d.Warnf(p, "anonymous volume %s: oci-containers removes the container, and with it this volume, on every stop (compose keeps it); declare a named volume to keep its data", target)
}

var bindPropagations = []string{"shared", "slave", "private", "rshared", "rslave", "rprivate"}

// longMount maps a long-syntax volume to a --mount flag (or, where --mount cannot say it,
// to the short syntax), and returns the key of the named volume it uses.
func (r *run) longMount(v *khepriv1.ServiceVolume, p diag.Path) string {
	podman := r.podman()
	if !strings.HasPrefix(v.GetTarget(), "/") {
		r.d.Errorf(p.Field("target"), "target %q must be an absolute path in the container", v.GetTarget())
		return ""
	}
	if v.GetConsistency() != "" {
		r.d.Warnf(p.Field("consistency"), "consistency %q applies to Docker Desktop for Mac only; engines on Linux ignore it", v.GetConsistency())
	}
	typ := v.GetType()
	for _, o := range []struct {
		field string
		set   bool
	}{{"bind", v.GetBind() != nil}, {"volume", v.GetVolume() != nil}, {"tmpfs", v.GetTmpfs() != nil}, {"image", v.GetImage() != nil}} {
		if field := o.field; o.set && field != typ {
			r.d.Errorf(p.Field(field), "%s options apply to type %q only, and this mount's type is %q", field, field, typ)
			return ""
		}
	}
	f := mountFields{"type=" + typ}
	ro := v.GetReadOnly()
	switch typ {
	case "bind":
		src := v.GetSource()
		switch {
		case src == "":
			r.d.Errorf(p.Field("source"), "a bind mount needs a source: an absolute host path")
			return ""
		case !strings.HasPrefix(src, "/"):
			r.d.Errorf(p.Field("source"), "bind source %q: %v", src, parse.ErrRelativeSource)
			return ""
		}
		b := v.GetBind()
		prop, selinux := b.GetPropagation(), b.GetSelinux()
		if prop != "" && !slices.Contains(bindPropagations, prop) {
			r.d.Errorf(p.Field("bind").Field("propagation"), "invalid propagation %q; allowed: %s", prop, strings.Join(bindPropagations, ", "))
			return ""
		}
		if selinux != "" && selinux != "z" && selinux != "Z" {
			r.d.Errorf(p.Field("bind").Field("selinux"), "invalid selinux %q; allowed: \"z\" (shared label), \"Z\" (private label)", selinux)
			return ""
		}
		recursion, ok := r.bindRecursion(b.GetRecursive(), ro, prop, p.Field("bind").Field("recursive"))
		if !ok {
			return ""
		}
		// --mount fails on a missing source on both engines; compose creates it.
		if b == nil || b.CreateHostPath == nil || b.GetCreateHostPath() {
			r.pre.add("mkdir", "-p", "--", src)
		}
		if selinux != "" && !podman {
			// docker's --mount has no SELinux relabelling; its short syntax has.
			if strings.Contains(src, ":") || strings.Contains(v.GetTarget(), ":") {
				r.d.Errorf(p.Field("bind").Field("selinux"), "docker relabels only mounts in the short syntax, which cannot hold the ':' in %q or %q", src, v.GetTarget())
				return ""
			}
			if len(recursion) > 0 {
				r.d.Errorf(p.Field("bind").Field("recursive"), "docker relabels only mounts in the short syntax, which cannot say recursive %q; leave out selinux or recursive", b.GetRecursive())
				return ""
			}
			opts := []string{selinux}
			if ro {
				opts = append(opts, "ro")
			}
			if prop != "" {
				opts = append(opts, prop)
			}
			r.ctr.Volumes = append(r.ctr.Volumes, src+":"+v.GetTarget()+":"+strings.Join(opts, ","))
			return ""
		}
		f.add("source", src)
		f.add("target", v.GetTarget())
		f.flag("readonly=true", ro)
		f.addIf("bind-propagation", prop)
		f = append(f, recursion...)
		if selinux != "" {
			f.add("relabel", map[string]string{"z": "shared", "Z": "private"}[selinux])
		}
	case "volume":
		key, name := v.GetSource(), ""
		if key == "" {
			r.anonymousWarning(p, v.GetTarget())
		} else {
			vol, ok := r.c.Volumes[key]
			if !ok {
				r.d.Errorf(p.Field("source"), "volume %q is not declared in %s; declare it there, or use type \"bind\" with an absolute path", key, r.c.Path.Field("volumes"))
				return ""
			}
			name = vol.Name
		}
		vo := v.GetVolume()
		if podman && vo.GetNocopy() {
			// podman takes nocopy in the short syntax only.
			if key == "" || vo.GetSubpath() != "" {
				r.d.Errorf(p.Field("volume").Field("nocopy"), "podman takes nocopy only for a named volume mounted whole (the short syntax): give a source and no subpath")
				return ""
			}
			opts := "nocopy"
			if ro {
				opts += ",ro"
			}
			r.ctr.Volumes = append(r.ctr.Volumes, name+":"+v.GetTarget()+":"+opts)
			return key
		}
		f.addIf("source", name)
		f.add("target", v.GetTarget())
		f.flag("readonly=true", ro)
		f.flag("volume-nocopy=true", vo.GetNocopy())
		if !r.volumeLabels(&f, vo.GetLabels(), key, p.Field("volume").Field("labels")) {
			return ""
		}
		if sub := vo.GetSubpath(); sub != "" {
			if strings.HasPrefix(sub, "/") || slices.Contains(strings.Split(sub, "/"), "..") {
				r.d.Errorf(p.Field("volume").Field("subpath"), "subpath %q must be a relative path inside the volume, without '..'", sub)
				return ""
			}
			f.add(map[bool]string{false: "volume-subpath", true: "subpath"}[podman], sub)
		}
		r.ctr.ExtraOptions = append(r.ctr.ExtraOptions, f.String())
		return key
	case "tmpfs":
		if v.GetSource() != "" {
			r.d.Errorf(p.Field("source"), "a tmpfs mount has no source")
			return ""
		}
		f.add("target", v.GetTarget())
		f.flag("readonly=true", ro)
		if s := v.GetTmpfs().GetSize(); s != "" {
			n, err := parse.ParseBytes(s)
			if err != nil {
				r.d.Errorf(p.Field("tmpfs").Field("size"), "%v", err)
				return ""
			}
			f.add("tmpfs-size", strconv.FormatInt(n, 10))
		}
		if m := v.GetTmpfs().GetMode(); m != "" {
			mode, err := octalMode(m)
			if err != nil {
				r.d.Errorf(p.Field("tmpfs").Field("mode"), "%v", err)
				return ""
			}
			f.add("tmpfs-mode", strconv.FormatUint(uint64(mode), 8))
		}
	case "image":
		if v.GetSource() == "" {
			r.d.Errorf(p.Field("source"), "an image mount needs a source: an image reference")
			return ""
		}
		f.add("source", v.GetSource())
		f.add("target", v.GetTarget())
		// Both engines mount images read-only, read_only or not.
		if sub := v.GetImage().GetSubpath(); sub != "" {
			f.add(map[bool]string{false: "image-subpath", true: "subpath"}[podman], sub)
		}
	case "npipe":
		r.d.Errorf(p.Field("type"), "type \"npipe\" mounts a Windows named pipe, which Linux engines do not have")
		return ""
	default:
		r.d.Errorf(p.Field("type"), "invalid volume type %q; allowed: \"bind\", \"volume\", \"tmpfs\", \"image\"", typ)
		return ""
	}
	r.ctr.ExtraOptions = append(r.ctr.ExtraOptions, f.String())
	return ""
}

var bindRecursions = []string{"enabled", "disabled", "writable", "readonly"}

// bindRecursion validates a bind mount's recursive (compose's values) and returns the
// --mount fields that say it: none for the engines' default, recursive submounts whose
// read-only flag follows the mount's.
func (r *run) bindRecursion(rec string, ro bool, prop string, p diag.Path) (mountFields, bool) {
	var f mountFields
	switch rec {
	case "", "enabled":
		return nil, true
	case "disabled":
		if r.podman() {
			f.flag("bind-nonrecursive=true", true)
			return f, true
		}
	case "writable", "readonly":
		switch {
		case !ro:
			r.d.Errorf(p, "recursive %q says how a read-only mount's submounts are mounted, and this mount is not read-only: set readOnly", rec)
			return nil, false
		case r.podman():
			r.d.Errorf(p, "podman's --mount cannot make a read-only mount's submounts %s; use \"enabled\" or \"disabled\"", rec)
			return nil, false
		case rec == "readonly" && prop != "" && prop != "rprivate":
			r.d.Errorf(p, "recursive \"readonly\" needs propagation \"rprivate\" (docker refuses another), and this mount's is %q", prop)
			return nil, false
		case rec == "readonly" && prop == "":
			// docker requires the engines' default propagation to be said.
			f.add("bind-propagation", "rprivate")
		}
	default:
		r.d.Errorf(p, "invalid recursive %q; allowed: %s", rec, strings.Join(bindRecursions, ", "))
		return nil, false
	}
	f.add("bind-recursive", rec)
	return f, true
}

// volumeLabels adds the labels the engine gives a volume that the mount creates: an
// anonymous one, as the composition's named volumes exist before their containers.
func (r *run) volumeLabels(f *mountFields, labels map[string]string, key string, p diag.Path) bool {
	switch {
	case len(labels) == 0:
		return true
	case key != "":
		r.d.Warnf(p, "labels apply to a volume the mount creates, and volume %q exists before the container starts: set them in %s", key, r.c.Path.Field("volumes").Key(key).Field("labels"))
		return true
	case r.podman():
		r.d.Errorf(p, "podman's --mount has no volume labels; mount a named volume, labelled in %s, instead", r.c.Path.Field("volumes"))
		return false
	}
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		if k == "" || strings.Contains(k, "=") {
			r.d.Errorf(p, "invalid volume label name %q: it must be non-empty and without '='", k)
			return false
		}
		f.add("volume-label", k+"="+labels[k])
	}
	return true
}

// mountFields builds a --mount value: key=value fields, each quoted for the engines'
// CSV parser.
type mountFields []string

func (f *mountFields) add(key, value string) { *f = append(*f, csvField(key+"="+value)) }

func (f *mountFields) addIf(key, value string) {
	if value != "" {
		f.add(key, value)
	}
}

func (f *mountFields) flag(field string, set bool) {
	if set {
		*f = append(*f, field)
	}
}

func (f mountFields) String() string { return "--mount=" + strings.Join(f, ",") }
