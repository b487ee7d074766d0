package service

import (
	"fmt"
	"maps"
	"net"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/khepri-nix/khepri/plugin/naming"
	"github.com/khepri-nix/khepri/plugin/parse"
	"github.com/khepri-nix/khepri/plugin/verbatim"
	"github.com/khepri-nix/khepri/proto/khepri/rejected"
)

// runSettings maps the compose keys that become an oci-containers option or a run flag
// of the container, and the unit settings that go with them. Flags are appended in a
// fixed order, so the same service always gives the same command line.
// It returns the services the container depends on through a `service:` reference,
// with the option that names each.
func (r *run) runSettings() map[string]string {
	RejectKeys(r.svc, rejected.Service, r.path, r.d)
	r.identity()
	r.process()
	r.filesystem()
	r.kernel()
	r.namespaces()
	r.networkMode()
	r.links()
	r.image()
	r.logging()
	r.dns()
	r.metadata()
	r.limits()
	r.deploy()
	r.healthcheck()
	r.lifecycle()
	return r.deps
}

func (r *run) identity() {
	s := r.svc
	if h := s.GetHostname(); h != "" && r.word("hostname", h) {
		r.ctr.Hostname = &h
	}
	if dn := s.GetDomainname(); dn != "" && r.word("domainname", dn) && r.dockerOnly("domainname", "set a fully qualified hostname instead") {
		r.flag("--domainname", dn)
	}
	if u := s.GetUser(); u != "" && r.word("user", u) {
		r.ctr.User = &u
	}
	if w := s.GetWorkingDir(); w != "" {
		if !filepath.IsAbs(w) {
			r.d.Errorf(r.path.Field("workingDir"), "working directory %q must be an absolute path in the container", w)
		} else {
			r.ctr.Workdir = &w
		}
	}
	for i, g := range s.GetGroupAdd() {
		if r.word(fmt.Sprintf("groupAdd[%d]", i), g) {
			r.flag("--group-add", g)
		}
	}
	if s.GetPrivileged() {
		r.ctr.Privileged = true
	}
}

func (r *run) process() {
	s := r.svc
	if s.Init != nil {
		if s.GetInit() {
			r.on("--init")
		} else {
			// Overrides a daemon configured to add an init to every container.
			r.flag("--init", "false")
		}
	}
	if sig := s.GetStopSignal(); sig != "" {
		if err := parse.Signal(sig); err != nil {
			r.d.Errorf(r.path.Field("stopSignal"), "%v", err)
		} else {
			r.flag("--stop-signal", sig)
		}
	}
	if g := s.GetStopGracePeriod(); g != "" {
		dur, err := parse.ParseDuration(g)
		if err != nil {
			r.d.Errorf(r.path.Field("stopGracePeriod"), "%v", err)
		} else {
			secs := parse.Seconds(dur)
			r.flag("--stop-timeout", itoa64(secs))
			// The unit's stop runs `<backend> stop`, which waits the grace period and then
			// kills; systemd must not kill the stop first.
			setService(r.unit, "TimeoutStopSec", itoa64(secs+30)+"s")
		}
	}
	if s.GetStdinOpen() {
		r.d.Warnf(r.path.Field("stdinOpen"), "a systemd unit's stdin is /dev/null, so the container's stdin is closed whatever stdin_open says; khepri passes no --interactive (docker refuses --interactive --tty without a terminal)")
	}
	if s.GetTty() {
		r.on("--tty")
	}
	if a := s.Attach; a != nil {
		r.d.Warnf(r.path.Field("attach"), "attach only changes what compose's CLI shows; under systemd the container's output goes to its log driver (the journal by default), so it has no effect")
	}
}

var tmpfsPathRe = regexp.MustCompile(`^/[^:]*$`)

func (r *run) filesystem() {
	s := r.svc
	if s.GetReadOnly() {
		r.on("--read-only")
	}
	for i, t := range s.GetTmpfs() {
		p, _, _ := strings.Cut(t, ":")
		if !tmpfsPathRe.MatchString(p) {
			r.d.Errorf(r.path.Field("tmpfs").Index(i), "invalid tmpfs %q: use an absolute path in the container, with options after a colon (/run:size=64m,mode=1777)", t)
			continue
		}
		r.flag("--tmpfs", t)
	}
	if n, set, err := parse.Bytes(s.GetShmSize(), false); err != nil {
		r.d.Errorf(r.path.Field("shmSize"), "%v", err)
	} else if set {
		r.flag("--shm-size", itoa64(n))
	}
	if opts := r.mapOf("storageOpt", s.GetStorageOpt()); len(opts) > 0 &&
		r.dockerOnly("storageOpt", "configure the storage driver in storage.conf (virtualisation.containers.storage.settings)") {
		for _, o := range opts {
			r.flag("--storage-opt", o)
		}
	}
	if s.GetUseApiSocket() {
		if r.dockerOnly("useApiSocket", "bind-mount podman's socket in volumes if the container must control the engine") {
			r.ctr.Volumes = append(r.ctr.Volumes, "/var/run/docker.sock:/var/run/docker.sock")
			r.d.Warnf(r.path.Field("useApiSocket"), "the container gets /var/run/docker.sock and with it root on the host; unlike compose, no CLI credentials are mounted")
		}
	}
}

// mapOf renders a string map as sorted `key=value` entries, checking the keys.
func (r *run) mapOf(field string, m map[string]string) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if k == "" || strings.Contains(k, "=") {
			r.d.Errorf(r.path.Field(field).Key(k), "invalid name %q: it must be non-empty and contain no '='", k)
			continue
		}
		out = append(out, k+"="+m[k])
	}
	return out
}

var sysctlRe = regexp.MustCompile(`^[a-zA-Z0-9_]+([./][a-zA-Z0-9_-]+)*$`)

func (r *run) kernel() {
	s := r.svc
	sysctls, err := parse.Mapping(s.GetSysctls())
	if err != nil {
		r.d.Errorf(r.path.Field("sysctls"), "%v", err)
	}
	for _, k := range slices.Sorted(maps.Keys(sysctls)) {
		if !sysctlRe.MatchString(k) {
			r.d.Errorf(r.path.Field("sysctls").Key(k), "invalid sysctl name %q: use a name such as net.core.somaxconn", k)
			continue
		}
		r.flag("--sysctl", k+"="+sysctls[k])
	}
	for _, k := range slices.Sorted(maps.Keys(s.GetUlimits())) {
		v, err := ulimitValue(k, s.GetUlimits()[k])
		if err != nil {
			r.d.Errorf(r.path.Field("ulimits").Key(k), "%v", err)
			continue
		}
		r.flag("--ulimit", v)
	}
	for i, o := range s.GetSecurityOpt() {
		if r.word(fmt.Sprintf("securityOpt[%d]", i), o) {
			r.flag("--security-opt", o)
		}
	}
	for i, rule := range s.GetDeviceCgroupRules() {
		if err := parse.DeviceCgroupRule(rule); err != nil {
			r.d.Errorf(r.path.Field("deviceCgroupRules").Index(i), "%v", err)
		} else {
			r.flag("--device-cgroup-rule", rule)
		}
	}
}

func (r *run) image() {
	s := r.svc
	if rt := s.GetRuntime(); rt != "" && r.word("runtime", rt) {
		if r.podman() {
			// podman takes the runtime as a global flag, before `run`.
			r.ctr.PreRunExtraOptions = append(r.ctr.PreRunExtraOptions, "--runtime="+rt)
		} else {
			r.flag("--runtime", rt)
		}
	}
	if p := s.GetPlatform(); p != "" && r.word("platform", p) {
		r.flag("--platform", p)
	}
	// "build" is what a service that builds does anyway (builtPull).
	if p := s.GetPullPolicy(); p != "" && (p != "build" || s.GetBuild() == nil) {
		pull, err := pullPolicy(p, r.c.Backend)
		if err != nil {
			r.d.Errorf(r.path.Field("pullPolicy"), "%v", err)
		} else {
			r.ctr.Pull = &pull
		}
	}
}

// pullPolicy maps compose's pull_policy to oci-containers' `pull`.
func pullPolicy(p string, b naming.Backend) (string, error) {
	switch p {
	case "always", "missing", "never":
		return p, nil
	case "if_not_present":
		return "missing", nil
	case "newer":
		if b == naming.Podman {
			return p, nil
		}
		return "", fmt.Errorf("pull policy \"newer\" is podman's; docker allows \"always\", \"missing\" and \"never\"")
	case "build":
		return "", fmt.Errorf("pull policy \"build\" builds the image, and the service has no build: set build, or use another policy")
	}
	if parse.Scheduled(p) {
		// The first start pulls a missing image; the composition's pull unit keeps it
		// current (pullSchedule reads the schedule).
		return "missing", nil
	}
	return "", fmt.Errorf("invalid pull policy %q; allowed: \"always\", \"missing\" (or \"if_not_present\"), \"never\", \"newer\" on podman, and on a schedule \"daily\", \"weekly\", \"every_<duration>\" or \"refresh\"", p)
}

func (r *run) logging() {
	l := r.svc.GetLogging()
	if l == nil {
		return
	}
	if drv := l.GetDriver(); drv != "" {
		if err := verbatim.LogDriver(drv); err != nil {
			r.d.Errorf(r.path.Field("logging").Field("driver"), "%v", err)
		} else {
			r.ctr.LogDriver = &drv
		}
	}
	for _, o := range r.mapOf("logging.options", l.GetOptions()) {
		r.flag("--log-opt", o)
	}
}

func (r *run) dns() {
	s := r.svc
	for i, v := range s.GetDns() {
		if err := dnsServer(v, len(s.GetDns()), r.c.Backend); err != nil {
			r.d.Errorf(r.path.Field("dns").Index(i), "%v", err)
		} else {
			r.flag("--dns", v)
		}
	}
	for _, e := range []struct {
		field, flag string
		values      []string
	}{
		{"dnsOpt", "--dns-option", s.GetDnsOpt()},
		{"dnsSearch", "--dns-search", s.GetDnsSearch()},
	} {
		for i, v := range e.values {
			if r.word(fmt.Sprintf("%s[%d]", e.field, i), v) {
				r.flag(e.flag, v)
			}
		}
	}
	if m := s.GetMacAddress(); m != "" && r.word("macAddress", m) {
		r.flag("--mac-address", m)
	}
	for i, e := range s.GetExpose() {
		if _, err := parse.ParsePort(e); err != nil || strings.Contains(e, ":") {
			r.d.Errorf(r.path.Field("expose").Index(i), "invalid exposed port %q: use port[-end][/protocol], such as 3000 or 8000-8010/udp", e)
			continue
		}
		r.flag("--expose", e)
	}
}

// dnsServer checks an entry of dns (of n entries): an IP address, as both engines
// require, or podman's "none" alone, which gives the container no DNS configuration.
func dnsServer(v string, n int, b naming.Backend) error {
	switch {
	case net.ParseIP(v) != nil:
		return nil
	case v == "none" && b == naming.Podman && n == 1:
		return nil
	case v == "none" && b == naming.Podman:
		return fmt.Errorf("dns \"none\" gives the container no DNS servers, so it cannot be listed with others")
	case v == "none":
		return fmt.Errorf("dns \"none\" is podman's; docker takes IP addresses only")
	}
	return fmt.Errorf("invalid DNS server %q: use an IP address, such as 1.1.1.1 or 2606:4700:4700::1111", v)
}

func (r *run) metadata() {
	s := r.svc
	ann, err := parse.Mapping(s.GetAnnotations())
	if err != nil {
		r.d.Errorf(r.path.Field("annotations"), "%v", err)
	}
	// --annotation needs docker 24 (API 1.43) or newer.
	for _, k := range slices.Sorted(maps.Keys(ann)) {
		if k == "" {
			r.d.Errorf(r.path.Field("annotations").Key(k), "empty annotation name")
			continue
		}
		r.flag("--annotation", k+"="+ann[k])
	}
	for i, f := range s.GetLabelFile() {
		if !filepath.IsAbs(f) {
			r.d.Errorf(r.path.Field("labelFile").Index(i), "label file %q must be an absolute path (a runtime path or a Nix path); khepri has no project directory", f)
			continue
		}
		r.flag("--label-file", f)
	}
}
