//go:build engine

package engine

import (
	"encoding/json"
	"slices"
	"testing"
	"time"
)

// The run settings reach the container: oci-containers options (user,
// workdir, hostname), and flags for the healthcheck, kernel settings and limits.
func TestRunSettingsReachContainer(t *testing.T) {
	t.Parallel()
	s := newStack(t, `{
	  "services": {
	    "app": {
	      "image": "PROBE",
	      "entrypoint": ["/probe", "serve"],
	      "command": ["8080"],
	      "user": "1000:1000",
	      "workingDir": "/tmp",
	      "hostname": "probe-host",
	      "healthcheck": { "test": ["CMD", "/probe", "read", "/etc/hostname"], "interval": "5s", "timeout": "2s", "retries": 2, "startPeriod": "1s" },
	      "sysctls": { "net.ipv4.ip_unprivileged_port_start": "80" },
	      "ulimits": { "nofile": { "soft": 1024, "hard": 2048 } },
	      "memLimit": "64m",
	      "cpus": 0.5,
	      "pidsLimit": 100,
	      "stopGracePeriod": "3s"
	    },
	    "deployed": {
	      "image": "PROBE",
	      "entrypoint": ["/probe", "serve"],
	      "command": ["8080"],
	      "deploy": { "resources": { "limits": { "memory": "32m", "cpus": "0.25", "pids": 50 } } }
	    }
	  }
	}`)
	s.start()
	in := inspect(t, s.ctr("app"))
	if in.Config.User != "1000:1000" || in.Config.WorkingDir != "/tmp" || in.Config.Hostname != "probe-host" {
		t.Errorf("User, WorkingDir, Hostname = %q, %q, %q; want 1000:1000, /tmp, probe-host", in.Config.User, in.Config.WorkingDir, in.Config.Hostname)
	}
	h := in.Config.Healthcheck
	if h == nil {
		t.Fatal("no healthcheck on the container")
	}
	// docker's --health-cmd is the shell form: the exec form's words are quoted into it.
	if want := []string{"CMD-SHELL", "/probe read /etc/hostname"}; !slices.Equal(h.Test, want) {
		t.Errorf("Healthcheck.Test = %q, want %q", h.Test, want)
	}
	if h.Interval != int64(5*time.Second) || h.Timeout != int64(2*time.Second) || h.StartPeriod != int64(time.Second) || h.Retries != 2 {
		t.Errorf("Healthcheck = %+v; want interval 5s, timeout 2s, start period 1s, 2 retries", *h)
	}
	if got := in.HostConfig.Sysctls["net.ipv4.ip_unprivileged_port_start"]; got != "80" {
		t.Errorf("Sysctls = %v", in.HostConfig.Sysctls)
	}
	if in.HostConfig.Memory != 64<<20 || in.HostConfig.NanoCpus != 5e8 || in.HostConfig.PidsLimit == nil || *in.HostConfig.PidsLimit != 100 {
		t.Errorf("Memory, NanoCpus, PidsLimit = %d, %d, %v; want 64 MiB, 0.5 CPU, 100", in.HostConfig.Memory, in.HostConfig.NanoCpus, in.HostConfig.PidsLimit)
	}
	var more struct {
		Config     struct{ StopTimeout *int }
		HostConfig struct {
			Ulimits []struct {
				Name       string
				Soft, Hard int64
			}
		}
	}
	if err := json.Unmarshal([]byte(docker(t, "container", "inspect", "--format", "{{json .}}", s.ctr("app"))), &more); err != nil {
		t.Fatal(err)
	}
	if u := more.HostConfig.Ulimits; len(u) != 1 || u[0].Name != "nofile" || u[0].Soft != 1024 || u[0].Hard != 2048 {
		t.Errorf("Ulimits = %+v, want nofile 1024:2048", u)
	}
	if st := more.Config.StopTimeout; st == nil || *st != 3 {
		t.Errorf("StopTimeout = %v, want 3", st)
	}
	// From inside: the hostname the container sees.
	if got := probe(t, s.ctr("app"), "read", "/etc/hostname"); got != "probe-host\n" && got != "probe-host" {
		t.Errorf("/etc/hostname inside = %q, want probe-host", got)
	}

	d := inspect(t, s.ctr("deployed"))
	if d.HostConfig.Memory != 32<<20 || d.HostConfig.NanoCpus != 25e7 || d.HostConfig.PidsLimit == nil || *d.HostConfig.PidsLimit != 50 {
		t.Errorf("deploy.resources.limits: Memory, NanoCpus, PidsLimit = %d, %d, %v; want 32 MiB, 0.25 CPU, 50", d.HostConfig.Memory, d.HostConfig.NanoCpus, d.HostConfig.PidsLimit)
	}
}
