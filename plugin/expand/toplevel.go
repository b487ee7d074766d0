package expand

import (
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/naming"
	"github.com/khepri-nix/khepri/plugin/service"
	"github.com/khepri-nix/khepri/plugin/systemd"
	"github.com/khepri-nix/khepri/proto/khepri/rejected"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// createOptions are the create command's flags of a declared network or volume; its
// problems are reported at path.
func (h *host) createOptions(e entry, path diag.Path) []string {
	switch s := e.settings.(type) {
	case *khepriv1.Network:
		return systemd.NetworkOptions(h.backend, s, path, h.d)
	case *khepriv1.Volume:
		return systemd.VolumeOptions(h.backend, s, path, h.d)
	}
	return nil
}

// topLevel checks the composition's keys besides services, networks and volumes, and
// hands its secrets and configs to the services.
func (h *host) topLevel(name string, comp *khepriv1.Composition, path diag.Path, c *service.Composition) {
	if v := comp.GetVersion(); v != "" {
		h.d.Warnf(path.Field("version"), "version %q is obsolete: compose ignores it, and so does khepri; remove it", v)
	}
	if n := comp.GetName(); n != "" && n != name {
		h.d.Errorf(path.Field("name"), "name %q differs from the composition's name %q, which is its attribute name in khepri.compositions; rename the attribute to %q (networks, volumes and containers are named after it) and remove name", n, name, n)
	}
	service.RejectKeys(comp, rejected.Composition, path, h.d)
	c.Secrets = comp.GetSecrets()
	for _, k := range slices.Sorted(maps.Keys(c.Secrets)) {
		s, p := c.Secrets[k], path.Field("secrets").Key(k)
		h.fileSource(k, "secret", s.GetFile(), s.GetEnvironment(), p)
		service.RejectKeys(s, rejected.Secret, p, h.d)
		swarmName(h.d, p, s.GetName(), "secret")
		if strings.HasPrefix(s.GetFile(), "/nix/store/") {
			h.d.Warnf(p.Field("file"), "the secret's file %s is in the Nix store, which every user of the host can read; keep secrets in runtime paths (sops-nix, agenix)", s.GetFile())
		}
	}
	c.Configs = comp.GetConfigs()
	for _, k := range slices.Sorted(maps.Keys(c.Configs)) {
		s, p := c.Configs[k], path.Field("configs").Key(k)
		if s.GetContent() != "" && s.GetFile() != "" {
			h.d.Errorf(p, "config has both file and content; set one of them")
			continue
		}
		h.fileSource(k, "config", s.GetFile(), s.GetEnvironment(), p)
		service.RejectKeys(s, rejected.Config, p, h.d)
		swarmName(h.d, p, s.GetName(), "config")
	}
}

// fileSource checks where a secret or config comes from: a file, and nothing else.
// environment is a refused key (rejectKeys reports it), and then a missing file is no
// second error.
func (h *host) fileSource(key, kind, file, env string, p diag.Path) {
	// The key names the file in the container and in khepri's copies.
	if err := naming.ValidateEngine(kind, key); err != nil {
		h.d.Errorf(p, "%v", err)
	}
	switch {
	case env != "":
	case file == "":
		h.d.Errorf(p.Field("file"), "the %s has no file; set file to its absolute path", kind)
	case !filepath.IsAbs(file):
		h.d.Errorf(p.Field("file"), "file %q must be an absolute path (a runtime path or a Nix path); khepri has no project directory", file)
	}
}

// swarmName warns about the name of a swarm secret or config object, which khepri
// never creates: the file is mounted as it is.
func swarmName(d *diag.Collector, p diag.Path, name, kind string) {
	if name != "" {
		d.Warnf(p.Field("name"), "name %q names a swarm %s object; khepri mounts the file and creates no object", name, kind)
	}
}
