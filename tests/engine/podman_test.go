//go:build engine

package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Root's podman runs a composition as oci-containers' podman backend does: the unit's
// cidfile names the container, services reach each other by service name on the
// composition's network, and a named volume keeps its data across a stop and start,
// which removes the containers, their runtime directories and the network.
func TestPodmanRootful(t *testing.T) {
	t.Parallel()
	h := usePodman(t)
	name := h.uniqueName(t)
	s := h.expand(t, name, fmt.Sprintf(`{%q: {
	  "volumes": { "data": {} },
	  "services": {
	    "db": { "image": "PROBE", "volumes": ["data:/data"] },
	    "web": { "image": "PROBE" }
	  }
	}}`, name))
	for _, svc := range []string{"db", "web"} {
		if _, ok := s.resp.GetContainerUnits()["podman-"+s.ctr(svc)]; !ok {
			t.Fatalf("no unit podman-%s in the podman expansion: %v", s.ctr(svc), s.resp.GetContainerUnits())
		}
	}
	s.start()
	db, web := s.ctr("db"), s.ctr("web")
	id := h.podman(t, "", "container", "inspect", "--format", "{{.Id}}", db)
	if b, err := os.ReadFile("/run/" + db + "/ctr-id"); err != nil || strings.TrimSpace(string(b)) != id {
		t.Errorf("cidfile /run/%s/ctr-id = %q (%v), want the container's id %s", db, b, err, id)
	}
	dbHost := h.podman(t, "", "container", "inspect", "--format", "{{.Config.Hostname}}", db)
	if r := h.get(t, "", web, "http://db:8080/"); r.Hostname != dbHost {
		t.Errorf("web reached %q by the name db, want db's probe (hostname %q)", r.Hostname, dbHost)
	}
	h.probe(t, "", db, "write", "/data/kept", "first run")

	s.stop()
	if h.exists("", "container", db) {
		t.Errorf("%s still exists after stop", db)
	}
	if _, err := os.Stat("/run/" + db); !os.IsNotExist(err) {
		t.Errorf("runtime directory /run/%s after stop: %v, want it removed", db, err)
	}
	if h.exists("", "network", name+"_default") {
		t.Errorf("network %s_default survives the composition's stop", name)
	}
	if !h.exists("", "volume", name+"_data") {
		t.Fatalf("volume %s_data is gone after stop", name)
	}
	s.start()
	if got := h.probe(t, "", db, "read", "/data/kept"); got != "first run" {
		t.Errorf("after stop and start: /data/kept = %q, want %q", got, "first run")
	}
}

// Two rootless compositions of one user, expanded together as a host declares them:
// the first makes a network the second joins as external. Everything runs in the
// user's podman and nothing in root's; the second reaches the first by alias across
// compositions, and only on the network they share; a secret's copy has the uid, gid
// and mode asked for, inside the container and, through the user's subordinate ids,
// on the host; a named volume keeps its data across a stop and start; the stop
// removes the networks from the user's podman.
func TestPodmanRootless(t *testing.T) {
	t.Parallel()
	h := useRootless(t)
	a, b := h.uniqueName(t), h.uniqueName(t)
	proxy := a + "_proxy"

	secretDir, err := os.MkdirTemp(h.dir, "secret-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(secretDir) })
	secret := filepath.Join(secretDir, "tok")
	if err := os.Chmod(secretDir, 0o755); err != nil {
		t.Fatal(err)
	}
	// The user's own file, as a rootless composition's secret must be: its unit copies
	// it as the user.
	if err := os.WriteFile(secret, []byte("s3cret"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(secret, h.uid, h.gid); err != nil {
		t.Fatal(err)
	}

	rootless := fmt.Sprintf(`{"user": %q, "uid": %d}`, h.user, h.uid)
	s := h.expand(t, a+"+"+b, fmt.Sprintf(`{
	  %[1]q: {
	    "podman": %[3]s,
	    "networks": { "proxy": { "name": %[4]q } },
	    "volumes": { "data": {} },
	    "secrets": { "tok": { "file": %[5]q } },
	    "services": {
	      "web": {
	        "image": "PROBE",
	        "networks": { "default": {}, "proxy": { "aliases": ["www"] } },
	        "volumes": ["data:/data"],
	        "secrets": [{ "source": "tok", "uid": "1000", "gid": "1000", "mode": "0400" }]
	      },
	      "db": { "image": "PROBE" }
	    }
	  },
	  %[2]q: {
	    "podman": %[3]s,
	    "networks": { %[4]q: { "external": true } },
	    "services": { "edge": { "image": "PROBE", "networks": { %[4]q: {} } } }
	  }
	}`, a, b, rootless, proxy, secret))
	web, db, edge := a+"-web", a+"-db", b+"-edge"

	order, err := s.runner.Order()
	if err != nil {
		t.Fatal(err)
	}
	makesProxy, edgeUnit := "khepri-"+a+"-resources", "podman-"+edge
	if i, j := slices.Index(order, makesProxy), slices.Index(order, edgeUnit); i < 0 || j < 0 || i > j {
		t.Fatalf("start order %v: want %s, which makes %s, before %s", order, makesProxy, proxy, edgeUnit)
	}
	s.start()

	for kind, names := range map[string][]string{
		"container": {web, db, edge},
		"network":   {a + "_default", proxy},
		"volume":    {a + "_data"},
	} {
		for _, n := range names {
			if !h.exists(h.user, kind, n) {
				t.Errorf("%s %s is not in %s's podman", kind, n, h.user)
			}
		}
		for _, n := range h.names(t, "", kind) {
			if strings.HasPrefix(n, a) || strings.HasPrefix(n, b) {
				t.Errorf("%s %s is in root's podman", kind, n)
			}
		}
	}
	// The container's processes are the user's on the host: its root is the user.
	pid, err := strconv.Atoi(h.podman(t, h.user, "container", "inspect", "--format", "{{.State.Pid}}", web))
	if err != nil || !ownedBy(pid, h.uid) {
		t.Errorf("%s's main process %d (%v) is not run by %s (uid %d)", web, pid, err, h.user, h.uid)
	}

	webHost := h.podman(t, h.user, "container", "inspect", "--format", "{{.Config.Hostname}}", web)
	for _, peer := range []string{"www", "web"} {
		if r := h.get(t, h.user, edge, "http://"+peer+":8080/"); r.Hostname != webHost {
			t.Errorf("%s reached %q by the name %s, want %s's probe (hostname %q)", edge, r.Hostname, peer, web, webHost)
		}
	}
	if out, err := h.run(h.user, "exec", edge, "/probe", "get", "http://db:8080/"); err == nil {
		t.Errorf("%s reaches db, which is on %s_default only: %s", edge, a, out)
	}

	var st struct {
		UID  int    `json:"uid"`
		GID  int    `json:"gid"`
		Mode string `json:"mode"`
	}
	if err := json.Unmarshal([]byte(h.probe(t, h.user, web, "stat", "/run/secrets/tok")), &st); err != nil {
		t.Fatal(err)
	}
	if st.UID != 1000 || st.GID != 1000 || st.Mode != "0400" {
		t.Errorf("/run/secrets/tok in %s: uid %d gid %d mode %s, want 1000 1000 0400", web, st.UID, st.GID, st.Mode)
	}
	if got := h.probe(t, h.user, web, "read", "/run/secrets/tok"); got != "s3cret" {
		t.Errorf("/run/secrets/tok in %s = %q, want the secret's content", web, got)
	}
	// Container id n>0 is the host's subordinate id start+n-1.
	copied := filepath.Join(h.runtimeDir, "khepri", web, "secrets", "tok")
	if fi, err := os.Stat(copied); err != nil {
		t.Errorf("the secret's copy: %v", err)
	} else if hs := fi.Sys().(*syscall.Stat_t); int(hs.Uid) != h.subUID+999 || int(hs.Gid) != h.subGID+999 || fi.Mode().Perm() != 0o400 {
		t.Errorf("%s on the host: uid %d gid %d mode %04o, want %d %d 0400 (container 1000:1000 through %s's subordinate ids)",
			copied, hs.Uid, hs.Gid, fi.Mode().Perm(), h.subUID+999, h.subGID+999, h.user)
	}

	h.checkCommandReaches(t, a, web, db)

	h.probe(t, h.user, web, "write", "/data/kept", "first run")
	s.stop()
	for _, n := range []string{web, db, edge} {
		if h.exists(h.user, "container", n) {
			t.Errorf("container %s survives the stop", n)
		}
	}
	for _, n := range []string{a + "_default", proxy} {
		if h.exists(h.user, "network", n) {
			t.Errorf("network %s survives the stop in %s's podman", n, h.user)
		}
	}
	if !h.exists(h.user, "volume", a+"_data") {
		t.Fatalf("volume %s_data is gone after stop", a)
	}
	s.start()
	if got := h.probe(t, h.user, web, "read", "/data/kept"); got != "first run" {
		t.Errorf("after stop and start: /data/kept = %q, want %q", got, "first run")
	}
}

// checkCommandReaches runs the khepri command as root on a manifest naming composition
// comp rootless: ps, exec and logs reach its containers in the user's podman.
func (h *podmanHost) checkCommandReaches(t *testing.T, comp string, ctrs ...string) {
	t.Helper()
	services := map[string]any{}
	for _, c := range ctrs {
		services[strings.TrimPrefix(c, comp+"-")] = map[string]any{
			"containers": []any{map[string]string{"container": c, "unit": "podman-" + c + ".service"}},
			"image":      h.image, "ports": []string{}, "networks": []string{}, "volumes": []string{},
		}
	}
	m, err := json.Marshal(map[string]any{"version": 3, "backend": "podman", "compositions": map[string]any{
		comp: map[string]any{"user": h.user, "uid": h.uid, "target": "khepri-" + comp + ".target",
			"units": []string{}, "networks": []string{}, "volumes": []string{}, "services": services},
	}})
	if err != nil {
		t.Fatal(err)
	}
	manifest := filepath.Join(t.TempDir(), "manifest.json")
	if err := os.WriteFile(manifest, m, 0o644); err != nil {
		t.Fatal(err)
	}
	khepri := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(filepath.Join(binDir, "khepri"), append(args[:1:1], append([]string{"--manifest", manifest}, args[1:]...)...)...)
		cmd.Env = append(os.Environ(), h.env...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("khepri %s: %v: %s", strings.Join(args, " "), err, stderr.String())
		}
		return stdout.String()
	}

	var rows []struct {
		Container string `json:"container"`
		State     string `json:"state"`
	}
	if err := json.Unmarshal([]byte(khepri("ps", "--format", "json", comp)), &rows); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows {
		got[r.Container] = r.State
	}
	for _, c := range ctrs {
		if got[c] != "running" {
			t.Errorf("khepri ps as root: %s is %q, want running (from %s's podman); rows %v", c, got[c], h.user, rows)
		}
	}
	web := strings.TrimPrefix(ctrs[0], comp+"-")
	if out := strings.TrimSpace(khepri("exec", "--no-tty", comp, web, "--", "/probe", "read", "/run/secrets/tok")); out != "s3cret" {
		t.Errorf("khepri exec as root in %s: %q, want the secret's content", ctrs[0], out)
	}
	khepri("logs", comp, web, "--tail", "1")
}

// A rootless composition's dependsOn conditions hold on podman as on docker: app starts
// only once db's healthcheck passes and init has exited 0, and an init that fails keeps
// app from being created, with a message naming init.
func TestPodmanDependsOnConditions(t *testing.T) {
	t.Parallel()
	h := useRootless(t)
	rootless := fmt.Sprintf(`{"user": %q, "uid": %d}`, h.user, h.uid)
	type state struct {
		State struct {
			StartedAt, FinishedAt time.Time
			Health                struct{ Status string }
		}
	}
	inspect := func(ctr string) state {
		t.Helper()
		var out []state
		if err := json.Unmarshal([]byte(h.podman(t, h.user, "container", "inspect", ctr)), &out); err != nil || len(out) != 1 {
			t.Fatalf("inspect %s: %v", ctr, err)
		}
		return out[0]
	}

	t.Run("healthy and completed", func(t *testing.T) {
		t.Parallel()
		name := h.uniqueName(t)
		// db becomes healthy two seconds after it starts, when its file appears.
		s := h.expand(t, name, fmt.Sprintf(`{%q: {"podman": %s, "services": {
		  "db": { "image": "PROBE", "command": ["sleep", "2", "then", "write", "/ready", "x", "then", "serve", "8080"],
		          "healthcheck": { "test": ["CMD", "/probe", "health", "/ready"], "interval": "1s", "timeout": "1s", "retries": 10 } },
		  "init": { "image": "PROBE", "command": ["sleep", "1"] },
		  "app": { "image": "PROBE", "dependsOn": {
		    "db": { "condition": "service_healthy" },
		    "init": { "condition": "service_completed_successfully" } } }
		}}}`, name, rootless))
		s.start()
		db, initc, app := inspect(s.ctr("db")), inspect(s.ctr("init")), inspect(s.ctr("app"))
		if db.State.Health.Status != "healthy" {
			t.Errorf("db health when app started: %q", db.State.Health.Status)
		}
		if d := app.State.StartedAt.Sub(db.State.StartedAt); d < 2*time.Second {
			t.Errorf("app started %s after db, before db could be healthy", d)
		}
		if !app.State.StartedAt.After(initc.State.FinishedAt) {
			t.Errorf("app started at %s, before init finished at %s", app.State.StartedAt, initc.State.FinishedAt)
		}
	})

	t.Run("failed", func(t *testing.T) {
		t.Parallel()
		name := h.uniqueName(t)
		s := h.expand(t, name, fmt.Sprintf(`{%q: {"podman": %s, "services": {
		  "init": { "image": "PROBE", "command": ["exit", "3"] },
		  "app": { "image": "PROBE", "dependsOn": { "init": { "condition": "service_completed_successfully" } } }
		}}}`, name, rootless))
		err := s.runner.Start(context.Background())
		if err == nil || !strings.Contains(err.Error(), "khepri: container "+s.ctr("init")+" exited with status 3") {
			t.Fatalf("start: want the failure of init named, got %v", err)
		}
		if h.exists(h.user, "container", s.ctr("app")) {
			t.Errorf("app was created although init failed")
		}
	})
}

// Each form of compose's healthcheck test reaches podman as the test compose means:
// podman splits a JSON array that starts with CMD at whitespace, so the expansion must
// not give it one.
func TestPodmanHealthcheckForms(t *testing.T) {
	t.Parallel()
	h := usePodman(t)
	name := h.uniqueName(t)
	tests := map[string]struct {
		test string
		want []string
	}{
		"exec":     {`["CMD", "/probe", "health", "/ready now"]`, []string{"CMD", "/probe", "health", "/ready now"}},
		"one-word": {`["CMD", "/probe"]`, []string{"CMD", "/probe"}},
		"shell":    {`["CMD-SHELL", "/probe health :8080 || exit 1"]`, []string{"CMD-SHELL", "/probe health :8080 || exit 1"}},
		"string":   {`"[ -f /ready ]"`, []string{"CMD-SHELL", "[ -f /ready ]"}},
	}
	var services []string
	for svc, tt := range tests {
		services = append(services, fmt.Sprintf(`%q: {"image": "PROBE", "healthcheck": {"test": %s}}`, svc, tt.test))
	}
	s := h.expand(t, name, fmt.Sprintf(`{%q: {"services": {%s}}}`, name, strings.Join(services, ",")))
	s.start()
	for svc, tt := range tests {
		var got []string
		if err := json.Unmarshal([]byte(h.podman(t, "", "container", "inspect", "--format", "{{json .Config.Healthcheck.Test}}", s.ctr(svc))), &got); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: podman's healthcheck test is %q, want %q", svc, got, tt.want)
		}
	}
}

// The run settings reach a podman container as they reach a docker one
// (TestRunSettingsReachContainer): oci-containers' options, the healthcheck, kernel
// settings, limits and the stop timeout, read from podman's inspect and from inside.
// podman 4 refuses a working directory that the image lacks, where docker makes it:
// this one is a tmpfs. Any --ulimit replaces podman's defaults, whose nproc this host
// lets no process raise: nproc is set within the host's limit.
func TestPodmanRunSettingsReachContainer(t *testing.T) {
	t.Parallel()
	h := usePodman(t)
	name := h.uniqueName(t)
	s := h.expand(t, name, fmt.Sprintf(`{%q: {
	  "services": {
	    "app": {
	      "image": "PROBE",
	      "entrypoint": ["/probe", "serve"],
	      "command": ["8080"],
	      "user": "1000:1000",
	      "tmpfs": ["/work"],
	      "workingDir": "/work",
	      "hostname": "probe-host",
	      "healthcheck": { "test": ["CMD", "/probe", "read", "/etc/hostname"], "interval": "5s", "timeout": "2s", "retries": 2, "startPeriod": "1s" },
	      "sysctls": { "net.ipv4.ip_unprivileged_port_start": "80" },
	      "ulimits": { "nofile": { "soft": 1024, "hard": 2048 }, "nproc": { "soft": 32768, "hard": 32768 } },
	      "memLimit": "64m",
	      "cpus": 0.5,
	      "pidsLimit": 100,
	      "stopGracePeriod": "3s"
	    }
	  }
	}}`, name))
	s.start()
	type ulimit struct {
		Name       string
		Soft, Hard int64
	}
	var in []struct {
		Config struct {
			User, WorkingDir, Hostname string
			StopTimeout                int
			Healthcheck                struct {
				Test                           []string
				Interval, Timeout, StartPeriod time.Duration
				Retries                        int
			}
		}
		HostConfig struct {
			Memory, NanoCpus, PidsLimit int64
			Ulimits                     []ulimit
		}
	}
	if err := json.Unmarshal([]byte(h.podman(t, "", "container", "inspect", s.ctr("app"))), &in); err != nil || len(in) != 1 {
		t.Fatalf("inspect: %v", err)
	}
	c, hc := in[0].Config, in[0].Config.Healthcheck
	if c.User != "1000:1000" || c.WorkingDir != "/work" || c.Hostname != "probe-host" {
		t.Errorf("User, WorkingDir, Hostname = %q, %q, %q; want 1000:1000, /work, probe-host", c.User, c.WorkingDir, c.Hostname)
	}
	if want := []string{"CMD", "/probe", "read", "/etc/hostname"}; !slices.Equal(hc.Test, want) {
		t.Errorf("Healthcheck.Test = %q, want %q", hc.Test, want)
	}
	if hc.Interval != 5*time.Second || hc.Timeout != 2*time.Second || hc.StartPeriod != time.Second || hc.Retries != 2 {
		t.Errorf("Healthcheck = %+v; want interval 5s, timeout 2s, start period 1s, 2 retries", hc)
	}
	if c.StopTimeout != 3 {
		t.Errorf("StopTimeout = %d, want 3", c.StopTimeout)
	}
	hostCfg := in[0].HostConfig
	if hostCfg.Memory != 64<<20 || hostCfg.NanoCpus != 5e8 || hostCfg.PidsLimit != 100 {
		t.Errorf("Memory, NanoCpus, PidsLimit = %d, %d, %d; want 64 MiB, 0.5 CPU, 100", hostCfg.Memory, hostCfg.NanoCpus, hostCfg.PidsLimit)
	}
	if !slices.Contains(hostCfg.Ulimits, ulimit{"RLIMIT_NOFILE", 1024, 2048}) || !slices.Contains(hostCfg.Ulimits, ulimit{"RLIMIT_NPROC", 32768, 32768}) {
		t.Errorf("Ulimits = %+v, want RLIMIT_NOFILE 1024:2048 and RLIMIT_NPROC 32768", hostCfg.Ulimits)
	}
	// podman's inspect does not show sysctls: the container's kernel setting does.
	if got := strings.TrimSpace(h.probe(t, "", s.ctr("app"), "read", "/proc/sys/net/ipv4/ip_unprivileged_port_start")); got != "80" {
		t.Errorf("net.ipv4.ip_unprivileged_port_start inside = %q, want 80", got)
	}
	if got := strings.TrimSpace(h.probe(t, "", s.ctr("app"), "read", "/etc/hostname")); got != "probe-host" {
		t.Errorf("/etc/hostname inside = %q, want probe-host", got)
	}
}

// What a service is configured with reaches a rootless container as it reaches a docker
// one (TestConfigReachesContainer, TestBindMounts): arguments, environment, labels,
// capabilities, extra hosts, a read-only bind mount, a sized tmpfs, and a published port
// that answers from the host.
func TestPodmanRootlessConfigReachesContainer(t *testing.T) {
	t.Parallel()
	h := useRootless(t)
	name := h.uniqueName(t)
	shared, err := os.MkdirTemp(h.dir, "bind-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(shared) })
	if err := os.Chmod(shared, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(shared, "from-host"), []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := h.expand(t, name, fmt.Sprintf(`{%q: {
	  "podman": {"user": %q, "uid": %d},
	  "services": {
	    "app": {
	      "image": "PROBE",
	      "entrypoint": ["/probe", "serve"],
	      "command": ["8080", "--flag", "two words"],
	      "environment": { "GREETING": "hello", "EMPTY": "", "NUMBER": "42" },
	      "labels": { "org.example.role": "frontend", "org.example.empty": "" },
	      "ports": ["127.0.0.1::8080"],
	      "capAdd": ["NET_ADMIN"],
	      "capDrop": ["MKNOD"],
	      "extraHosts": ["db.example:10.0.0.5"],
	      "volumes": [
	        { "type": "bind", "source": %q, "target": "/shared", "readOnly": true },
	        { "type": "tmpfs", "target": "/scratch", "tmpfs": { "size": "1m", "mode": "1770" } }
	      ]
	    }
	  }
	}}`, name, h.user, h.uid, shared))
	s.start()
	ctr := s.ctr("app")
	r := h.get(t, h.user, ctr, "http://127.0.0.1:8080/")
	if want := []string{"serve", "8080", "--flag", "two words"}; !slices.Equal(r.Args, want) {
		t.Errorf("args seen inside = %q, want %q", r.Args, want)
	}
	for k, v := range map[string]string{"GREETING": "hello", "EMPTY": "", "NUMBER": "42"} {
		if got, ok := r.Env[k]; !ok || got != v {
			t.Errorf("env %s inside = %q (set: %v), want %q", k, got, ok, v)
		}
	}
	var in []struct {
		Config struct{ Labels map[string]string }
	}
	if err := json.Unmarshal([]byte(h.podman(t, h.user, "container", "inspect", ctr)), &in); err != nil || len(in) != 1 {
		t.Fatalf("inspect: %v", err)
	}
	for k, v := range map[string]string{
		"org.example.role": "frontend", "org.example.empty": "",
		"com.docker.compose.project": name, "com.docker.compose.service": "app",
	} {
		if got, ok := in[0].Config.Labels[k]; !ok || got != v {
			t.Errorf("label %s = %q (set: %v), want %q", k, got, ok, v)
		}
	}
	const netAdmin, mknod = 12, 27
	if eff := capEff(t, h.probe(t, h.user, ctr, "read", "/proc/self/status")); eff&(1<<netAdmin) == 0 || eff&(1<<mknod) != 0 {
		t.Errorf("CapEff = %#x: want NET_ADMIN (bit %d) set and MKNOD (bit %d) clear", eff, netAdmin, mknod)
	}
	if hosts := h.probe(t, h.user, ctr, "read", "/etc/hosts"); !regexp.MustCompile(`(?m)^10\.0\.0\.5\s+db\.example$`).MatchString(hosts) {
		t.Errorf("/etc/hosts has no line for db.example at 10.0.0.5:\n%s", hosts)
	}
	if got := h.probe(t, h.user, ctr, "read", "/shared/from-host"); got != "hello" {
		t.Errorf("/shared/from-host = %q, want the host file's content", got)
	}
	if out, err := h.run(h.user, "exec", ctr, "/probe", "write", "/shared/new", "x"); err == nil {
		t.Errorf("writing to the read-only bind mount succeeded: %s", out)
	}
	var st struct{ Mode string }
	if err := json.Unmarshal([]byte(h.probe(t, h.user, ctr, "stat", "/scratch")), &st); err != nil || st.Mode != "1770" {
		t.Errorf("tmpfs /scratch mode = %q (%v), want 1770", st.Mode, err)
	}
	if mounts := h.probe(t, h.user, ctr, "read", "/proc/self/mounts"); !regexp.MustCompile(`(?m)^\S+ /scratch tmpfs \S*size=1024k`).MatchString(mounts) {
		t.Errorf("/scratch is not a tmpfs of 1 MiB:\n%s", mounts)
	}

	hostPort := strings.Fields(h.podman(t, h.user, "port", ctr, "8080/tcp"))
	if len(hostPort) == 0 || !strings.HasPrefix(hostPort[0], "127.0.0.1:") {
		t.Fatalf("podman port %s 8080/tcp = %q, want a port on 127.0.0.1", ctr, hostPort)
	}
	c := http.Client{Timeout: 5 * time.Second}
	var resp *http.Response
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if resp, err = c.Get("http://" + hostPort[0] + "/"); err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Fatalf("GET the published port %s from the host: %v", hostPort[0], err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var fromHost report
	if err := json.Unmarshal(body, &fromHost); err != nil || fromHost.Hostname != r.Hostname {
		t.Errorf("published port answers %q (%v), want the probe of %s", body, err, ctr)
	}
}
