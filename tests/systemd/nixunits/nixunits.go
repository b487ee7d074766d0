// Package nixunits renders an expansion into the systemd unit files a NixOS host gets
// from it: khepri's own services, pull units, timers and targets, and each container's
// unit as nixpkgs' oci-containers module defines it with khepri's additions merged in,
// the way nixlib/nixos.nix hands them to NixOS. The systemd tier installs these files
// under a real systemd.
//
// It follows nixpkgs at 035a24e7ed33009b8a503ad0b76679665b8977a8:
//
//   - nixos/modules/virtualisation/oci-containers.nix, mkService: the run script
//     (`exec BACKEND run --name=… --log-driver=…`, image and log driver unescaped),
//     the `pre-start` ExecStartPre (writeShellApplication: errexit, nounset, pipefail),
//     preStop/postStop, TimeoutStartSec=0, TimeoutStopSec=120, Restart=always, the
//     podman settings, wants/after (engine units, network-online.target, lingering),
//     path, environment, RequiresMountsFor for a rootless user.
//   - nixos/lib/systemd-unit-options.nix: `script` → ExecStart, `preStart` →
//     ExecStartPre, `postStart` → ExecStartPost, `preStop` → ExecStop, `postStop` →
//     ExecStopPost, each a job script (makeJobScript without strict shell checks:
//     `set -e`, then the text); a systemd option's definitions are merged as its
//     unitOption type does: only the highest priority's, lists concatenated, other
//     values equal or a conflict.
//   - nixos/lib/systemd-lib.nix: the unit text (commonUnitText, serviceToUnit,
//     targetToUnit: [Unit] from requires, wants, after, before, partOf, description;
//     Environment= lines as JSON strings; keys in attribute-name order; [Install]),
//     `path` → PATH (bin, then sbin, of each package, after it the stage-2 default
//     coreutils, findutils, gnugrep, gnused, systemd), and the `.wants` links of
//     wantedBy.
//
// Module order decides the order of list definitions: a unit option's own module
// (the job scripts) comes first, then oci-containers (a base module), then khepri's
// (nixlib/nixos.nix: its containerUnits' serviceConfig at mkOverride 90, its preStop
// mkBefore). So a container unit's ExecStartPre runs khepri's preStart before
// oci-containers' `docker rm -f`.
//
// What it leaves out, and why:
//
//   - Store paths: scripts live under /nix/store/<hash>-…/bin/<name> as NixOS names
//     them, but <hash> is a SHA-256 of the content, not Nix's. Packages on PATH are
//     prefixes the caller gives (Host).
//   - systemd.globalEnvironment (LOCALE_ARCHIVE, TZDIR), networking.proxy (empty by
//     default), restartTriggers and reloadTriggers: khepri sets none of them.
//   - oci-containers' `login` (khepri sets none) and `networks`, `dependsOn`,
//     `podman.sdnotify` (khepri sets none: their defaults are rendered).
//   - switch-to-configuration (which units a switch restarts) is not rendered; the
//     tier does its part of it.
//   - The engine's own units (docker.service, podman.socket …): the container units
//     name them in After=, which systemd takes as nothing to wait for when absent.
package nixunits

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// Host is what the NixOS host provides that the units name.
type Host struct {
	// Backend is virtualisation.oci-containers.backend: "docker" or "podman".
	Backend string
	// Engine is the prefix standing for the engine's package (its bin/ holds the
	// docker or podman command): the `path` of container and khepri units.
	Engine string
	// Khepri is the prefix standing for khepri's package (khepri.cli.package): the
	// `path` of the pull units, after the engine.
	Khepri string
	// BasePath are the prefixes standing for the packages NixOS puts on every unit's
	// PATH after its own: coreutils, findutils, gnugrep, gnused and systemd, in this order.
	BasePath []string
	// LogDriver, when set, replaces oci-containers' default log driver (journald) for
	// the containers that set none: for an engine whose host has no journald, which
	// refuses to start such a container.
	LogDriver string
	// Users are the accounts rootless podman containers run as.
	Users map[string]User
}

// User is a NixOS user a rootless container runs as.
type User struct {
	UID  uint32
	Home string
}

// File is one file of the rendered tree, its path absolute.
type File struct {
	Path    string
	Content string
	// Mode is the file's permission bits (0o755 for a script).
	Mode int64
	// Link, when set, makes the file a symbolic link to it.
	Link string
}

// Tree is what NixOS would put on the host for an expansion.
type Tree struct {
	// Units are the unit files' texts by unit name ("docker-app-web.service").
	Units map[string]string
	// Files are the unit files, the .wants links and the scripts, sorted by path.
	Files []File
}

// UnitDir is where NixOS puts the system's units.
const UnitDir = "/etc/systemd/system"

// Render renders the services, targets and containers of an expansion.
func Render(resp *khepriv1.ExpandResponse, host Host) (*Tree, error) {
	if host.Backend != "docker" && host.Backend != "podman" {
		return nil, fmt.Errorf("backend %q: oci-containers has docker and podman", host.Backend)
	}
	if err := checkKnown(resp); err != nil {
		return nil, err
	}
	r := &renderer{host: host, tree: &Tree{Units: map[string]string{}}, files: map[string]File{}}
	for _, name := range slices.Sorted(maps.Keys(resp.GetServices())) {
		s := newService()
		s.addKhepri(resp.GetServices()[name], 100)
		// nixlib/nixos.nix: khepri's own units run the engine's command line.
		s.path = append(s.path, host.Engine)
		if err := r.service(name, s); err != nil {
			return nil, err
		}
	}
	for _, name := range slices.Sorted(maps.Keys(resp.GetPulls())) {
		if host.Khepri == "" {
			return nil, fmt.Errorf("pulls.%s runs the khepri command, and Host.Khepri is not set", name)
		}
		s := newService()
		s.addKhepri(resp.GetPulls()[name], 100)
		// nixlib/nixos.nix: pull units run `khepri pull-images`, which runs the engine.
		s.path = append(s.path, host.Engine, host.Khepri)
		if err := r.service(name, s); err != nil {
			return nil, err
		}
	}
	for _, name := range slices.Sorted(maps.Keys(resp.GetTimers())) {
		r.timer(name, resp.GetTimers()[name])
	}
	for _, name := range slices.Sorted(maps.Keys(resp.GetContainers())) {
		unit := host.Backend + "-" + name
		s, err := r.container(name, resp.GetContainers()[name])
		if err != nil {
			return nil, err
		}
		if add, ok := resp.GetContainerUnits()[unit]; ok {
			s.addKhepri(add, 90)
		}
		if err := r.service(unit, s); err != nil {
			return nil, err
		}
	}
	for name := range resp.GetContainerUnits() {
		if _, ok := resp.GetContainers()[strings.TrimPrefix(name, host.Backend+"-")]; !ok {
			return nil, fmt.Errorf("containerUnits.%s: no container %s for it", name, strings.TrimPrefix(name, host.Backend+"-"))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(resp.GetTargets())) {
		r.target(name, resp.GetTargets()[name])
	}
	if m := resp.GetManifest(); m != nil {
		// nixlib/nixos.nix (khepri.cli): the manifest as it is, in builtins.toJSON's form
		// (compact, keys sorted), which encoding/json's rendering of a map is too.
		data, err := json.Marshal(m.AsMap())
		if err != nil {
			return nil, fmt.Errorf("manifest: %w", err)
		}
		r.add(File{Path: "/etc/khepri/manifest.json", Content: string(data), Mode: 0o644})
	}
	for _, p := range slices.Sorted(maps.Keys(r.files)) {
		r.tree.Files = append(r.tree.Files, r.files[p])
	}
	return r.tree, nil
}

type renderer struct {
	host  Host
	tree  *Tree
	files map[string]File
}

// def is one definition of a systemd option, at a module-system priority (100 for a
// plain definition, 90 for mkOverride 90).
type def struct {
	prio   int
	list   bool
	values []string
}

// service is a systemd.services.<name> as the module system sees it: the lines
// options and lists merged, the unitConfig and serviceConfig options as definitions.
type service struct {
	description                                      []string
	after, before, requires, wants, partOf, wantedBy []string
	unitConfig, serviceConfig                        map[string][]def
	environment                                      map[string]string
	path                                             []string
	script, preStart, postStart, preStop, postStop   []string
}

func newService() *service {
	return &service{unitConfig: map[string][]def{}, serviceConfig: map[string][]def{}, environment: map[string]string{}}
}

func (s *service) set(cfg map[string][]def, key string, prio int, v string) {
	cfg[key] = append(cfg[key], def{prio: prio, values: []string{v}})
}

// addKhepri adds a unit of the expansion; its serviceConfig at prio (nixlib/nixos.nix
// gives a container unit's mkOverride 90), its preStop before what is there (mkBefore).
func (s *service) addKhepri(u *khepriv1.SystemdService, prio int) {
	if u.GetDescription() != "" {
		s.description = append(s.description, u.GetDescription())
	}
	s.after = append(s.after, u.GetAfter()...)
	s.before = append(s.before, u.GetBefore()...)
	s.requires = append(s.requires, u.GetRequires()...)
	s.wants = append(s.wants, u.GetWants()...)
	s.partOf = append(s.partOf, u.GetPartOf()...)
	s.wantedBy = append(s.wantedBy, u.GetWantedBy()...)
	for _, k := range slices.Sorted(maps.Keys(u.GetUnitConfig())) {
		s.set(s.unitConfig, k, 100, u.GetUnitConfig()[k])
	}
	for _, k := range slices.Sorted(maps.Keys(u.GetServiceConfig())) {
		s.set(s.serviceConfig, k, prio, u.GetServiceConfig()[k])
	}
	addLines(&s.script, u.GetScript())
	addLines(&s.preStart, u.GetPreStart())
	addLines(&s.postStart, u.GetPostStart())
	if u.GetPreStop() != "" {
		s.preStop = append([]string{u.GetPreStop()}, s.preStop...)
	}
}

func addLines(to *[]string, text string) {
	if text != "" {
		*to = append(*to, text)
	}
}

// lines merges the definitions of a `types.lines` option.
func lines(defs []string) string { return strings.Join(defs, "\n") }

// service renders a service: its job scripts, then its unit file.
func (r *renderer) service(name string, s *service) error {
	// systemd-unit-options.nix: the job scripts are definitions of the unit option's
	// own module, so they come before every other module's.
	jobs := map[string][]def{}
	job := func(key, suffix, text string, list bool) {
		if text == "" {
			return
		}
		path := r.jobScript(name+"-"+suffix, text)
		if key == "ExecStart" {
			path += " " // + scriptArgs, empty
		}
		jobs[key] = append(jobs[key], def{prio: 100, list: list, values: []string{path}})
	}
	job("ExecStartPre", "pre-start", lines(s.preStart), true)
	job("ExecStart", "start", lines(s.script), false)
	job("ExecStartPost", "post-start", lines(s.postStart), true)
	job("ExecStop", "pre-stop", lines(s.preStop), false)
	job("ExecStopPost", "post-stop", lines(s.postStop), false)
	for k, ds := range s.serviceConfig {
		jobs[k] = append(jobs[k], ds...)
	}
	serviceConfig, err := merge(name, "serviceConfig", jobs)
	if err != nil {
		return err
	}

	unitDefs := map[string][]def{}
	for k, ds := range s.unitConfig {
		unitDefs[k] = ds
	}
	// systemd-lib.nix's unitConfig module: the dependency lists, space-separated.
	for _, l := range []struct {
		key  string
		list []string
	}{{"Requires", s.requires}, {"Wants", s.wants}, {"After", s.after}, {"Before", s.before}, {"PartOf", s.partOf}} {
		if len(l.list) > 0 {
			unitDefs[l.key] = append(unitDefs[l.key], def{prio: 100, values: []string{strings.Join(l.list, " ")}})
		}
	}
	if d, err := mergeEqual(name, "description", s.description); err != nil {
		return err
	} else if d != "" {
		unitDefs["Description"] = append(unitDefs["Description"], def{prio: 100, values: []string{d}})
	}
	unitConfig, err := merge(name, "unitConfig", unitDefs)
	if err != nil {
		return err
	}

	// stage-2 services: path gets coreutils, findutils, gnugrep, gnused and systemd
	// after its own packages, and PATH is their bin, then their sbin directories.
	env := map[string]string{}
	for k, v := range s.environment {
		env[k] = v
	}
	path := append(append([]string{}, s.path...), r.host.BasePath...)
	if len(path) > 0 {
		var bins, sbins []string
		for _, p := range path {
			bins, sbins = append(bins, p+"/bin"), append(sbins, p+"/sbin")
		}
		env["PATH"] = strings.Join(bins, ":") + ":" + strings.Join(sbins, ":")
	}

	var b strings.Builder
	b.WriteString("[Unit]\n")
	b.WriteString(section(unitConfig))
	b.WriteString("\n[Service]\n")
	for _, k := range slices.Sorted(maps.Keys(env)) {
		b.WriteString("Environment=" + jsonString(k+"="+env[k]) + "\n")
	}
	b.WriteString(section(serviceConfig))
	if len(s.wantedBy) > 0 {
		b.WriteString("\n[Install]\nWantedBy=" + strings.Join(s.wantedBy, " ") + "\n")
	}
	r.unit(name+".service", b.String(), s.wantedBy)
	return nil
}

// target renders a systemd.targets entry (targetToUnit: a [Unit] section only).
func (r *renderer) target(name string, t *khepriv1.SystemdTarget) {
	cfg := map[string][]string{}
	if len(t.GetRequires()) > 0 {
		cfg["Requires"] = []string{strings.Join(t.GetRequires(), " ")}
	}
	if len(t.GetAfter()) > 0 {
		cfg["After"] = []string{strings.Join(t.GetAfter(), " ")}
	}
	if t.GetDescription() != "" {
		cfg["Description"] = []string{t.GetDescription()}
	}
	r.unit(name+".target", "[Unit]\n"+section(cfg)+"\n", t.GetWantedBy())
}

// timer renders a systemd.timers entry (timerToUnit: [Unit] from the description, the
// [Timer] section from timerConfig, then [Install] as a service's).
func (r *renderer) timer(name string, t *khepriv1.SystemdTimer) {
	unit := map[string][]string{}
	if t.GetDescription() != "" {
		unit["Description"] = []string{t.GetDescription()}
	}
	timer := map[string][]string{}
	for k, v := range t.GetTimerConfig() {
		timer[k] = []string{v}
	}
	text := "[Unit]\n" + section(unit) + "\n[Timer]\n" + section(timer)
	if len(t.GetWantedBy()) > 0 {
		text += "\n[Install]\nWantedBy=" + strings.Join(t.GetWantedBy(), " ") + "\n"
	}
	r.unit(name+".timer", text, t.GetWantedBy())
}

// unit adds a unit file and the links of its wantedBy, as generateUnits makes them.
func (r *renderer) unit(name, text string, wantedBy []string) {
	r.tree.Units[name] = text
	r.add(File{Path: UnitDir + "/" + name, Content: text, Mode: 0o644})
	for _, w := range wantedBy {
		r.add(File{Path: UnitDir + "/" + w + ".wants/" + name, Link: "../" + name})
	}
}

func (r *renderer) add(f File) { r.files[f.Path] = f }

// jobScript writes makeJobScript's script (writeShellScriptBin) and returns its path.
func (r *renderer) jobScript(name, text string) string {
	// systemd-lib.nix: shellEscape doubles backslashes; then \ and @ are replaced.
	scriptName := strings.NewReplacer(`\`, "-", "@", "_").Replace(strings.ReplaceAll(name, `\`, `\\`))
	return r.storeScript("unit-script-"+scriptName, scriptName, "#!/bin/bash\nset -e\n\n"+text+"\n\n")
}

// storeScript writes an executable as a package's bin/<bin> in the store.
func (r *renderer) storeScript(pkg, bin, content string) string {
	sum := sha256.Sum256([]byte(content))
	path := "/nix/store/" + hex.EncodeToString(sum[:16]) + "-" + pkg + "/bin/" + bin
	r.add(File{Path: path, Content: content, Mode: 0o755})
	return path
}

// merge merges each option's definitions as nixpkgs' unitOption type does.
func merge(unit, option string, defs map[string][]def) (map[string][]string, error) {
	out := map[string][]string{}
	for _, k := range slices.Sorted(maps.Keys(defs)) {
		ds := defs[k]
		best := ds[0].prio
		for _, d := range ds {
			best = min(best, d.prio)
		}
		var kept []def
		for _, d := range ds {
			if d.prio == best {
				kept = append(kept, d)
			}
		}
		if kept[0].list {
			for _, d := range kept {
				if !d.list {
					return nil, fmt.Errorf("systemd.services.%s.%s.%s: the definitions mix lists and non-lists", unit, option, k)
				}
				out[k] = append(out[k], d.values...)
			}
			continue
		}
		var vs []string
		for _, d := range kept {
			if d.list {
				return nil, fmt.Errorf("systemd.services.%s.%s.%s: the definitions mix lists and non-lists", unit, option, k)
			}
			vs = append(vs, d.values...)
		}
		v, err := mergeEqual(unit, option+"."+k, vs)
		if err != nil {
			return nil, err
		}
		out[k] = []string{v}
	}
	return out, nil
}

// mergeEqual is mergeEqualOption: every definition the same value, or a conflict.
func mergeEqual(unit, option string, vs []string) (string, error) {
	for _, v := range vs[min(1, len(vs)):] {
		if v != vs[0] {
			return "", fmt.Errorf("systemd.services.%s.%s has conflicting definition values: %q and %q", unit, option, vs[0], v)
		}
	}
	if len(vs) == 0 {
		return "", nil
	}
	return vs[0], nil
}

// section is attrsToSection: `Key=value` lines in key order, a list repeating its key.
func section(cfg map[string][]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(cfg)) {
		for _, v := range cfg[k] {
			b.WriteString(k + "=" + v + "\n")
		}
	}
	return b.String()
}

// jsonString is builtins.toJSON of a string: no HTML escaping.
func jsonString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

var safeShellArg = regexp.MustCompile(`^[[:alnum:],._+:@%/-]+$`)

// EscapeShellArg is nixpkgs' lib.escapeShellArg: a safe string bare, any other in
// single quotes, each quote inside it ending the quoted part, escaped, and reopening it.
func EscapeShellArg(s string) string {
	if safeShellArg.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// rendered lists, per message, the fields Render turns into unit text.
var rendered = map[protoreflect.FullName]map[protoreflect.Name]bool{
	(&khepriv1.ExpandResponse{}).ProtoReflect().Descriptor().FullName(): names(
		"diagnostics", "containers", "container_units", "services", "targets", "manifest",
		"pulls", "timers"),
	(&khepriv1.Container{}).ProtoReflect().Descriptor().FullName(): names(
		"image", "image_file", "image_stream", "cmd", "entrypoint", "environment",
		"environment_files", "ports", "volumes", "labels", "capabilities", "devices",
		"extra_options", "auto_start", "auto_remove_on_stop", "podman", "user", "workdir",
		"hostname", "privileged", "pull", "log_driver", "pre_run_extra_options"),
	(&khepriv1.ContainerPodman{}).ProtoReflect().Descriptor().FullName(): names("user"),
	(&khepriv1.SystemdService{}).ProtoReflect().Descriptor().FullName(): names(
		"description", "after", "before", "requires", "wants", "part_of", "wanted_by",
		"script", "pre_stop", "service_config", "unit_config", "post_start", "pre_start"),
	(&khepriv1.SystemdTarget{}).ProtoReflect().Descriptor().FullName(): names(
		"description", "wanted_by", "after", "requires"),
	(&khepriv1.SystemdTimer{}).ProtoReflect().Descriptor().FullName(): names(
		"description", "wanted_by", "timer_config"),
}

func names(ns ...protoreflect.Name) map[protoreflect.Name]bool {
	m := map[protoreflect.Name]bool{}
	for _, n := range ns {
		m[n] = true
	}
	return m
}

// checkKnown refuses an expansion with a field Render would drop, so that a new field
// cannot pass the systemd tier unseen.
func checkKnown(resp *khepriv1.ExpandResponse) error {
	type message struct {
		where string
		m     proto.Message
	}
	msgs := []message{{"response", resp}}
	for n, c := range resp.GetContainers() {
		msgs = append(msgs, message{"containers." + n, c})
		if c.GetPodman() != nil {
			msgs = append(msgs, message{"containers." + n + ".podman", c.GetPodman()})
		}
	}
	for n, u := range resp.GetContainerUnits() {
		msgs = append(msgs, message{"containerUnits." + n, u})
	}
	for n, u := range resp.GetServices() {
		msgs = append(msgs, message{"services." + n, u})
	}
	for n, t := range resp.GetTargets() {
		msgs = append(msgs, message{"targets." + n, t})
	}
	for n, u := range resp.GetPulls() {
		msgs = append(msgs, message{"pulls." + n, u})
	}
	for n, t := range resp.GetTimers() {
		msgs = append(msgs, message{"timers." + n, t})
	}
	for _, x := range msgs {
		known := rendered[x.m.ProtoReflect().Descriptor().FullName()]
		var err error
		x.m.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, _ protoreflect.Value) bool {
			if !known[fd.Name()] {
				err = fmt.Errorf("%s.%s: nixunits does not render this field yet; add it as NixOS renders it", x.where, fd.JSONName())
				return false
			}
			return true
		})
		if err != nil {
			return err
		}
	}
	return nil
}
