package nixunits

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

var host = Host{Backend: "docker", Engine: "/pkgs/docker", BasePath: []string{"/pkgs/coreutils", "/pkgs/systemd"}}

// web is a container with a khepri unit that waits after the start, stops a hook
// first and overrides oci-containers' restart policy.
func web() *khepriv1.ExpandResponse {
	return &khepriv1.ExpandResponse{
		Containers: map[string]*khepriv1.Container{"app-web": {
			Image:       "example/web:1",
			Cmd:         []string{"serve", "it's"},
			Environment: map[string]string{"B": "2", "A": "x y"},
			Labels:      map[string]string{"com.docker.compose.project": "app"},
			ExtraOptions: []string{
				"--network=name=app_default,alias=web",
			},
		}},
		ContainerUnits: map[string]*khepriv1.SystemdService{"docker-app-web": {
			After:         []string{"khepri-app-resources.service"},
			Requires:      []string{"khepri-app-resources.service"},
			PartOf:        []string{"khepri-app.target"},
			WantedBy:      []string{"khepri-app.target"},
			ServiceConfig: map[string]string{"Restart": "on-failure", "RestartSec": "100ms"},
			UnitConfig:    map[string]string{"StartLimitBurst": "4"},
			PreStart:      "mkdir -p /srv/web\n",
			PostStart:     "echo ready\n",
			PreStop:       "docker exec app-web hook\n",
		}},
		Services: map[string]*khepriv1.SystemdService{"khepri-app-resources": {
			Description:   "khepri app: networks and volumes",
			After:         []string{"docker.service"},
			PartOf:        []string{"khepri-app.target"},
			WantedBy:      []string{"khepri-app.target"},
			Script:        "docker network create app_default\n",
			PreStop:       "docker network rm app_default\n",
			ServiceConfig: map[string]string{"Type": "oneshot", "RemainAfterExit": "true"},
		}},
		Targets: map[string]*khepriv1.SystemdTarget{"khepri-app": {
			Description: "khepri composition app",
			WantedBy:    []string{"multi-user.target"},
		}},
	}
}

func render(t *testing.T, resp *khepriv1.ExpandResponse, h Host) *Tree {
	t.Helper()
	tree, err := Render(resp, h)
	require.NoError(t, err)
	return tree
}

// file returns a rendered file's content, and the path a unit line names.
func file(t *testing.T, tree *Tree, path string) string {
	t.Helper()
	path = strings.TrimSpace(path)
	for _, f := range tree.Files {
		if f.Path == path {
			return f.Content
		}
	}
	t.Fatalf("no file %s", path)
	return ""
}

// exec returns the values of a unit's Key= lines.
func exec(unit, key string) []string {
	var out []string
	for _, l := range strings.Split(unit, "\n") {
		if v, ok := strings.CutPrefix(l, key+"="); ok {
			out = append(out, v)
		}
	}
	return out
}

// The container unit is oci-containers' with khepri's additions, in NixOS's text.
func TestContainerUnit(t *testing.T) {
	tree := render(t, web(), host)
	unit := tree.Units["docker-app-web.service"]
	want := `[Unit]
After=docker.service docker.socket network-online.target khepri-app-resources.service
PartOf=khepri-app.target
Requires=khepri-app-resources.service
StartLimitBurst=4
Wants=network-online.target

[Service]
Environment="PATH=/pkgs/docker/bin:/pkgs/coreutils/bin:/pkgs/systemd/bin:/pkgs/docker/sbin:/pkgs/coreutils/sbin:/pkgs/systemd/sbin"
ExecStart=START 
ExecStartPost=POST
ExecStartPre=JOBPRE
ExecStartPre=OCIPRE
ExecStop=STOP
ExecStopPost=POSTSTOP
Restart=on-failure
RestartSec=100ms
TimeoutStartSec=0
TimeoutStopSec=120

[Install]
WantedBy=multi-user.target khepri-app.target
`
	pre := exec(unit, "ExecStartPre")
	require.Len(t, pre, 2)
	paths := strings.NewReplacer(
		exec(unit, "ExecStart")[0], "START ",
		exec(unit, "ExecStartPost")[0], "POST",
		pre[0], "JOBPRE", pre[1], "OCIPRE",
		exec(unit, "ExecStop")[0], "STOP",
		exec(unit, "ExecStopPost")[0], "POSTSTOP")
	assert.Equal(t, want, paths.Replace(unit))

	assert.Equal(t, "#!/bin/bash\nset -e\n\nexec docker  \\\n  run \\\n  --name=app-web \\\n  --log-driver=journald \\\n"+
		"  -e A='x y' \\\n  -e B=2 \\\n  -l com.docker.compose.project=app \\\n  --rm \\\n  --pull missing \\\n"+
		"  '--network=name=app_default,alias=web' \\\n  example/web:1 \\\n  serve \\\n  'it'\\''s'\n\n",
		file(t, tree, exec(unit, "ExecStart")[0]))
	assert.Equal(t, "#!/bin/bash\nset -e\n\nmkdir -p /srv/web\n\n\n", file(t, tree, pre[0]), "khepri's preStart, first: its job script belongs to the option's own module")
	assert.Contains(t, file(t, tree, pre[1]), "set -o errexit\nset -o nounset\nset -o pipefail\n\ndocker rm -f app-web || true\n")
	assert.Equal(t, "#!/bin/bash\nset -e\n\ndocker exec app-web hook\n\ndocker stop app-web || true\n\n", file(t, tree, exec(unit, "ExecStop")[0]), "khepri's preStop comes first (mkBefore)")
	assert.Equal(t, "#!/bin/bash\nset -e\n\ndocker rm -f app-web || true\n\n", file(t, tree, exec(unit, "ExecStopPost")[0]))
	assert.Contains(t, exec(unit, "ExecStartPost")[0], "-unit-script-docker-app-web-post-start/bin/docker-app-web-post-start")
}

// khepri's own units get the engine on PATH, their script as ExecStart and their
// preStop as ExecStop; the target is a [Unit] section, and wantedBy makes .wants links.
func TestServiceAndTarget(t *testing.T) {
	tree := render(t, web(), host)
	unit := tree.Units["khepri-app-resources.service"]
	assert.Equal(t, `[Unit]
After=docker.service
Description=khepri app: networks and volumes
PartOf=khepri-app.target

[Service]
Environment="PATH=/pkgs/docker/bin:/pkgs/coreutils/bin:/pkgs/systemd/bin:/pkgs/docker/sbin:/pkgs/coreutils/sbin:/pkgs/systemd/sbin"
ExecStart=`+exec(unit, "ExecStart")[0]+`
ExecStop=`+exec(unit, "ExecStop")[0]+`
RemainAfterExit=true
Type=oneshot

[Install]
WantedBy=khepri-app.target
`, unit)
	assert.Equal(t, "#!/bin/bash\nset -e\n\ndocker network create app_default\n\n\n", file(t, tree, exec(unit, "ExecStart")[0]))
	assert.Equal(t, "[Unit]\nDescription=khepri composition app\n\n", tree.Units["khepri-app.target"])

	links := map[string]string{}
	for _, f := range tree.Files {
		if f.Link != "" {
			links[f.Path] = f.Link
		}
	}
	assert.Equal(t, map[string]string{
		"/etc/systemd/system/khepri-app.target.wants/docker-app-web.service":       "../docker-app-web.service",
		"/etc/systemd/system/khepri-app.target.wants/khepri-app-resources.service": "../khepri-app-resources.service",
		"/etc/systemd/system/multi-user.target.wants/docker-app-web.service":       "../docker-app-web.service",
		"/etc/systemd/system/multi-user.target.wants/khepri-app.target":            "../khepri-app.target",
	}, links)
}

// A pull unit gets the engine and khepri on its PATH; its timer is a .timer file with a
// [Timer] section, linked into timers.target.wants.
func TestPullAndTimer(t *testing.T) {
	resp := web()
	resp.Pulls = map[string]*khepriv1.SystemdService{"khepri-app-pull": {
		Description:   "khepri app: pull",
		After:         []string{"docker.service", "docker-app-web.service"},
		Script:        "khepri pull-images --plan '{}' --state /var/lib/khepri/pull/app.json\n",
		ServiceConfig: map[string]string{"Type": "oneshot", "StateDirectory": "khepri/pull"},
	}}
	resp.Timers = map[string]*khepriv1.SystemdTimer{"khepri-app-pull": {
		Description: "khepri app: keep images current",
		WantedBy:    []string{"timers.target"},
		TimerConfig: map[string]string{"OnCalendar": "daily", "Persistent": "true", "RandomizedDelaySec": "3600s"},
	}}
	h := host
	h.Khepri = "/pkgs/khepri"
	tree := render(t, resp, h)
	unit := tree.Units["khepri-app-pull.service"]
	assert.Equal(t, `[Unit]
After=docker.service docker-app-web.service
Description=khepri app: pull

[Service]
Environment="PATH=/pkgs/docker/bin:/pkgs/khepri/bin:/pkgs/coreutils/bin:/pkgs/systemd/bin:/pkgs/docker/sbin:/pkgs/khepri/sbin:/pkgs/coreutils/sbin:/pkgs/systemd/sbin"
ExecStart=`+exec(unit, "ExecStart")[0]+`
StateDirectory=khepri/pull
Type=oneshot
`, unit)
	assert.Equal(t, `[Unit]
Description=khepri app: keep images current

[Timer]
OnCalendar=daily
Persistent=true
RandomizedDelaySec=3600s

[Install]
WantedBy=timers.target
`, tree.Units["khepri-app-pull.timer"])
	assert.True(t, slices.ContainsFunc(tree.Files, func(f File) bool {
		return f.Path == "/etc/systemd/system/timers.target.wants/khepri-app-pull.timer" && f.Link == "../khepri-app-pull.timer"
	}))

	_, err := Render(resp, host)
	assert.ErrorContains(t, err, "pulls.khepri-app-pull runs the khepri command, and Host.Khepri is not set")
}

// oci-containers' podman unit: notify, the cidfile, the user's HOME and runtime mounts.
func TestPodmanUnit(t *testing.T) {
	resp := web()
	resp.ContainerUnits["podman-app-web"] = resp.ContainerUnits["docker-app-web"]
	delete(resp.ContainerUnits, "docker-app-web")
	resp.Containers["app-web"].Podman = &khepriv1.ContainerPodman{User: "alice"}
	h := host
	h.Backend = "podman"
	h.Users = map[string]User{"alice": {UID: 1500, Home: "/home/alice"}}
	tree := render(t, resp, h)
	unit := tree.Units["podman-app-web.service"]
	for _, line := range []string{
		"After=network-online.target linger-users.service khepri-app-resources.service",
		"RequiresMountsFor=/run/user/1500/containers",
		"Wants=network-online.target linger-users.service",
		`Environment="HOME=/home/alice"`,
		"Environment=PODMAN_SYSTEMD_UNIT=%n",
		"NotifyAccess=all", "RuntimeDirectory=app-web", "Type=notify", "User=alice",
	} {
		assert.Contains(t, strings.Split(unit, "\n"), line)
	}
	run := file(t, tree, exec(unit, "ExecStart")[0])
	assert.Contains(t, run, "exec podman  \\\n  run \\\n  --name=app-web \\\n  --log-driver=journald \\\n  --cidfile=/run/app-web/ctr-id \\\n  --cgroups=enabled \\\n  --sdnotify=conmon \\\n  -d \\\n  --replace \\\n")
	assert.Contains(t, file(t, tree, exec(unit, "ExecStartPre")[1]), "podman rm -f app-web || true\n\n\n\nrm -f /run/app-web/ctr-id\n")
	assert.Equal(t, "#!/bin/bash\nset -e\n\npodman rm -f --ignore --cidfile=/run/app-web/ctr-id\n\n", file(t, tree, exec(unit, "ExecStopPost")[0]))

	h.Users = nil
	_, err := Render(resp, h)
	assert.ErrorContains(t, err, "container app-web runs as alice")
	_, err = Render(resp, host)
	assert.ErrorContains(t, err, "Cannot set `podman` option if backend is `docker`")
}

// A log driver of the Host replaces journald only where the container sets none;
// preRunExtraOptions go before `run`; autoStart = false leaves multi-user.target out.
func TestRunLineOptions(t *testing.T) {
	resp := web()
	c := resp.Containers["app-web"]
	c.PreRunExtraOptions = []string{"--runtime", "runsc"}
	c.AutoStart = proto.Bool(false)
	h := host
	h.LogDriver = "json-file"
	tree := render(t, resp, h)
	unit := tree.Units["docker-app-web.service"]
	assert.Contains(t, file(t, tree, exec(unit, "ExecStart")[0]), "exec docker  \\\n  --runtime \\\n  runsc \\\n  run \\\n  --name=app-web \\\n  --log-driver=json-file \\\n")
	assert.Equal(t, []string{"khepri-app.target"}, exec(unit, "WantedBy"))

	c.LogDriver = proto.String("local")
	tree = render(t, resp, h)
	assert.Contains(t, file(t, tree, exec(tree.Units["docker-app-web.service"], "ExecStart")[0]), "--log-driver=local \\\n")
}

// Definitions merge as NixOS merges them: a higher priority replaces, equal plain
// values agree, different ones conflict.
func TestMerge(t *testing.T) {
	for _, tc := range []struct {
		name    string
		give    func(*khepriv1.ExpandResponse)
		unit    string
		want    []string // the Key=value lines that must be there
		wantErr string
	}{
		{
			name: "khepri's serviceConfig at mkOverride 90 replaces oci-containers' ExecStartPre",
			give: func(r *khepriv1.ExpandResponse) {
				r.ContainerUnits["docker-app-web"].ServiceConfig["ExecStartPre"] = "/bin/true"
			},
			unit: "docker-app-web.service",
			want: []string{"ExecStartPre=/bin/true"},
		},
		{
			name: "a khepri unit's ExecStart next to its script conflicts",
			give: func(r *khepriv1.ExpandResponse) {
				r.Services["khepri-app-resources"].ServiceConfig["ExecStart"] = "/bin/true"
			},
			wantErr: "systemd.services.khepri-app-resources.serviceConfig.ExecStart has conflicting definition values",
		},
		{
			name: "khepri's TimeoutStopSec wins over oci-containers' 120",
			give: func(r *khepriv1.ExpandResponse) {
				r.ContainerUnits["docker-app-web"].ServiceConfig["TimeoutStopSec"] = "40s"
			},
			unit: "docker-app-web.service",
			want: []string{"TimeoutStopSec=40s"},
		},
		{
			name: "a container unit without its container is refused",
			give: func(r *khepriv1.ExpandResponse) {
				r.ContainerUnits["docker-app-gone"] = &khepriv1.SystemdService{}
			},
			wantErr: "containerUnits.docker-app-gone: no container app-gone",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := web()
			tc.give(resp)
			tree, err := Render(resp, host)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			lines := strings.Split(tree.Units[tc.unit], "\n")
			for _, w := range tc.want {
				assert.Contains(t, lines, w)
			}
			key, _, _ := strings.Cut(tc.want[0], "=")
			assert.Len(t, exec(tree.Units[tc.unit], key), len(tc.want))
		})
	}
}

// A field Render does not know fails the rendering instead of vanishing.
func TestUnknownField(t *testing.T) {
	name := (&khepriv1.Container{}).ProtoReflect().Descriptor().FullName()
	delete(rendered[name], "hostname")
	defer func() { rendered[name]["hostname"] = true }()
	resp := web()
	resp.Containers["app-web"].Hostname = proto.String("h")
	_, err := Render(resp, host)
	assert.ErrorContains(t, err, "containers.app-web.hostname: nixunits does not render this field yet")
}

// A field of the response itself that Render does not know fails it too.
func TestUnknownResponseField(t *testing.T) {
	name := (&khepriv1.ExpandResponse{}).ProtoReflect().Descriptor().FullName()
	delete(rendered[name], "targets")
	defer func() { rendered[name]["targets"] = true }()
	_, err := Render(web(), host)
	assert.ErrorContains(t, err, "response.targets: nixunits does not render this field yet")
}

// The same expansion renders the same bytes; a changed script changes its unit file,
// as a new store path does on NixOS.
func TestDeterministic(t *testing.T) {
	a, b := render(t, web(), host), render(t, web(), host)
	assert.Equal(t, a, b)
	changed := web()
	changed.Containers["app-web"].Environment["B"] = "3"
	c := render(t, changed, host)
	assert.NotEqual(t, a.Units["docker-app-web.service"], c.Units["docker-app-web.service"])
	assert.Equal(t, a.Units["khepri-app-resources.service"], c.Units["khepri-app-resources.service"])
}

func TestEscapeShellArg(t *testing.T) {
	for give, want := range map[string]string{
		"plain-1.0/x:y@z%,+": "plain-1.0/x:y@z%,+",
		"":                   "''",
		"a b":                "'a b'",
		"it's":               `'it'\''s'`,
		"$(x)":               "'$(x)'",
	} {
		assert.Equal(t, want, EscapeShellArg(give), give)
	}
}
