package importer

import (
	"maps"
	"slices"
	"strconv"
	"time"

	nw "github.com/khepri-nix/khepri/host/importer/nixwriter"
	"github.com/khepri-nix/khepri/plugin/verbatim"
)

// serviceKeys are the compose service keys khepri supports, in the order the options
// are declared in nixlib/options (service.nix, service-runtime.nix, service-limits.nix,
// service-health.nix, service-secrets.nix, lifecycle.nix), which is the order they are
// written in. TestServiceKeysExist checks the table against the option tree.
var serviceKeys = []field{
	{"image", "image", checked(verbatim.Image)},
	{"container_name", "containerName", (*converter).str},
	{"command", "command", (*converter).strOrList},
	{"entrypoint", "entrypoint", (*converter).strOrList},
	{"environment", "environment", (*converter).environment},
	{"env_file", "envFile", (*converter).envFile},
	{"volumes", "volumes", (*converter).volumes},
	{"ports", "ports", (*converter).ports},
	{"cap_add", "capAdd", (*converter).strList},
	{"cap_drop", "capDrop", (*converter).strList},
	{"devices", "devices", (*converter).devices},
	{"networks", "networks", (*converter).serviceNetworks},
	{"extra_hosts", "extraHosts", (*converter).extraHosts},
	{"labels", "labels", (*converter).labels},
	{"depends_on", "dependsOn", (*converter).dependsOn},
	{"restart", "restart", (*converter).str},
	{"build", "build", (*converter).build},

	{"hostname", "hostname", (*converter).str},
	{"domainname", "domainname", (*converter).str},
	{"user", "user", (*converter).str},
	{"working_dir", "workingDir", (*converter).str},
	{"group_add", "groupAdd", (*converter).intOrStrList},
	{"privileged", "privileged", (*converter).boolean},
	{"read_only", "readOnly", (*converter).boolean},
	{"init", "init", (*converter).boolean},
	{"stop_signal", "stopSignal", (*converter).str},
	{"stop_grace_period", "stopGracePeriod", (*converter).duration},
	{"tmpfs", "tmpfs", (*converter).strOrList},
	{"shm_size", "shmSize", (*converter).intOrString},
	{"sysctls", "sysctls", (*converter).mapping},
	{"ulimits", "ulimits", (*converter).ulimits},
	{"security_opt", "securityOpt", (*converter).strList},
	{"ipc", "ipc", (*converter).str},
	{"pid", "pid", (*converter).str},
	{"uts", "uts", (*converter).str},
	{"userns_mode", "usernsMode", (*converter).str},
	{"cgroup", "cgroup", (*converter).str},
	{"cgroup_parent", "cgroupParent", (*converter).str},
	{"network_mode", "networkMode", (*converter).str},
	{"links", "links", (*converter).strList},
	{"external_links", "externalLinks", (*converter).strList},
	{"volumes_from", "volumesFrom", (*converter).strList},
	{"runtime", "runtime", (*converter).str},
	{"platform", "platform", (*converter).str},
	{"pull_policy", "pullPolicy", (*converter).str},
	{"pull_refresh_after", "pullRefreshAfter", (*converter).str},
	{"logging", "logging", sub(loggingFields)},
	{"stdin_open", "stdinOpen", (*converter).boolean},
	{"tty", "tty", (*converter).boolean},
	{"device_cgroup_rules", "deviceCgroupRules", (*converter).strList},
	{"annotations", "annotations", (*converter).mapping},
	{"label_file", "labelFile", (*converter).labelFile},
	{"dns", "dns", (*converter).strOrList},
	{"dns_opt", "dnsOpt", (*converter).strList},
	{"dns_search", "dnsSearch", (*converter).strOrList},
	{"mac_address", "macAddress", (*converter).str},
	{"storage_opt", "storageOpt", (*converter).stringAttrs},
	{"expose", "expose", (*converter).intOrStrList},
	{"attach", "attach", (*converter).boolean},
	{"use_api_socket", "useApiSocket", (*converter).boolean},

	{"cpus", "cpus", (*converter).number},
	{"cpu_shares", "cpuShares", (*converter).integer},
	{"cpu_period", "cpuPeriod", (*converter).integer},
	{"cpu_quota", "cpuQuota", (*converter).integer},
	{"cpu_rt_period", "cpuRtPeriod", (*converter).intOrString},
	{"cpu_rt_runtime", "cpuRtRuntime", (*converter).intOrString},
	{"cpuset", "cpuset", (*converter).str},
	{"mem_limit", "memLimit", (*converter).intOrString},
	{"mem_reservation", "memReservation", (*converter).intOrString},
	{"mem_swappiness", "memSwappiness", (*converter).integer},
	{"memswap_limit", "memswapLimit", (*converter).intOrString},
	{"oom_kill_disable", "oomKillDisable", (*converter).boolean},
	{"oom_score_adj", "oomScoreAdj", (*converter).integer},
	{"pids_limit", "pidsLimit", (*converter).integer},
	{"blkio_config", "blkioConfig", sub(blkioFields)},
	{"gpus", "gpus", (*converter).gpus},
	{"deploy", "deploy", sub(deployFields)},

	{"healthcheck", "healthcheck", sub(healthcheckFields)},
	{"post_start", "postStart", objects(hookFields)},
	{"pre_stop", "preStop", objects(hookFields)},

	{"secrets", "secrets", (*converter).secretUses},
	{"configs", "configs", (*converter).configUses},

	{"profiles", "profiles", (*converter).strList},
	{"scale", "scale", (*converter).integer},
}

// consumedKeys are resolved while loading and have no option: extends is merged into
// the service.
var consumedKeys = map[string]bool{"extends": true}

var loggingFields = []field{
	{"driver", "driver", checked(verbatim.LogDriver)},
	{"options", "options", (*converter).mapping},
}

var ulimitFields = []field{
	{"soft", "soft", (*converter).integer},
	{"hard", "hard", (*converter).integer},
}

// ulimits writes one number for both limits, or `{ soft; hard; }`, as compose does.
func (c *converter) ulimits(path string, v any) nw.Value {
	m, ok := v.(map[string]any)
	if !ok {
		c.invalid(path, v, "a mapping")
		return nil
	}
	out := nw.Attrs{}
	for _, name := range slices.Sorted(maps.Keys(m)) {
		var w nw.Value
		if _, ok := m[name].(map[string]any); ok {
			w = c.object(path+"."+name, m[name], ulimitFields)
		} else {
			w = c.integer(path+"."+name, m[name])
		}
		if w != nil {
			out = append(out, nw.Attr{Name: name, Value: w})
		}
	}
	return out
}

// labelFile writes the files as host paths; compose-go has made them absolute. One file
// stays a string, the option's short form.
func (c *converter) labelFile(path string, v any) nw.Value {
	if s, ok := v.(string); ok {
		return c.hostPath(s)
	}
	return oneOrList(c.list(path, v, func(_ string, e any) nw.Value {
		if s, ok := e.(string); ok {
			return c.hostPath(s)
		}
		return nil
	}))
}

// duration keeps a compose duration as written when khepri reads it the same way (Go's
// syntax, which compose's schema requires); a bare 0 becomes "0s", since khepri wants a
// unit.
func (c *converter) duration(path string, v any) nw.Value {
	s, ok := scalarString(v)
	if !ok {
		c.invalid(path, v, "a duration")
		return nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f == 0 {
		return nw.String("0s")
	}
	if d, err := time.ParseDuration(s); err != nil || d < 0 {
		c.unsupported(path, "not a duration khepri reads: use Go's syntax, such as 10s or 1m30s", v)
		return nil
	}
	return nw.String(s)
}

var healthcheckFields = []field{
	{"test", "test", (*converter).strOrList},
	{"interval", "interval", (*converter).duration},
	{"timeout", "timeout", (*converter).duration},
	{"retries", "retries", (*converter).integer},
	{"start_period", "startPeriod", (*converter).duration},
	{"start_interval", "startInterval", (*converter).duration},
	{"disable", "disable", (*converter).boolean},
}

var hookFields = []field{
	{"command", "command", (*converter).strOrList},
	{"user", "user", (*converter).str},
	{"privileged", "privileged", (*converter).boolean},
	{"working_dir", "workingDir", (*converter).str},
	{"environment", "environment", (*converter).environment},
}
