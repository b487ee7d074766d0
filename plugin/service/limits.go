package service

import (
	"encoding/csv"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"google.golang.org/protobuf/types/known/structpb"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/parse"
	"github.com/khepri-nix/khepri/proto/khepri/rejected"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

var cpusetRe = regexp.MustCompile(`^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$`)

// limits maps the cpu, memory, pids, block IO and GPU keys, and deploy.resources, which
// sets the same flags (setting one in both places is an error, as the two could
// disagree).
func (r *run) limits() {
	s := r.svc
	res := s.GetDeploy().GetResources()
	lim, resv := res.GetLimits(), res.GetReservations()
	dp := r.path.Field("deploy").Field("resources")
	if resv != nil {
		RejectKeys(resv, rejected.Reservations, dp.Field("reservations"), r.d)
	}

	if p, set := r.cpus("cpus", s.GetCpus(), dp.Field("limits").Field("cpus"), lim.GetCpus()); set && (s.CpuPeriod != nil || s.CpuQuota != nil) {
		// Both engines refuse the pair at create time ("Conflicting options").
		r.d.Errorf(p, "a CPU limit cannot be combined with cpuPeriod or cpuQuota, which both engines refuse: it is their quota over their period; set one or the other")
	}
	r.int("cpuShares", "--cpu-shares", s.CpuShares, 0, -1)
	r.int("cpuPeriod", "--cpu-period", s.CpuPeriod, 0, -1)
	r.int("cpuQuota", "--cpu-quota", s.CpuQuota, -1, -1)
	for _, rt := range []struct {
		field, flag string
		v           *structpb.Value
	}{{"cpuRtPeriod", "--cpu-rt-period", s.GetCpuRtPeriod()}, {"cpuRtRuntime", "--cpu-rt-runtime", s.GetCpuRtRuntime()}} {
		if n, set, err := parse.Micros(rt.v); err != nil {
			r.d.Errorf(r.path.Field(rt.field), "%v", err)
		} else if set {
			r.flag(rt.flag, itoa64(n))
		}
	}
	if cs := s.GetCpuset(); cs != "" {
		if !cpusetRe.MatchString(cs) {
			r.d.Errorf(r.path.Field("cpuset"), "invalid cpuset %q: use CPU numbers and ranges, such as 0-3 or 0,2", cs)
		} else {
			r.flag("--cpuset-cpus", cs)
		}
	}

	r.bytes("memLimit", "--memory", s.GetMemLimit(), dp.Field("limits").Field("memory"), lim.GetMemory(), false)
	r.bytes("memReservation", "--memory-reservation", s.GetMemReservation(), dp.Field("reservations").Field("memory"), resv.GetMemory(), false)
	r.int("memSwappiness", "--memory-swappiness", s.MemSwappiness, 0, 100)
	r.bytes("memswapLimit", "--memory-swap", s.GetMemswapLimit(), "", nil, true)
	if s.GetOomKillDisable() {
		r.on("--oom-kill-disable")
	}
	r.int("oomScoreAdj", "--oom-score-adj", s.OomScoreAdj, -1000, 1000)
	pids := s.PidsLimit
	if lim != nil && lim.Pids != nil {
		if pids != nil {
			r.d.Errorf(dp.Field("limits").Field("pids"), "set the pids limit once: pidsLimit or deploy.resources.limits.pids")
		}
		pids = lim.Pids
	}
	r.int("pidsLimit", "--pids-limit", pids, -1, -1)

	if _, set, _ := parse.Scalar(resv.GetCpus()); set {
		r.d.Warnf(dp.Field("reservations").Field("cpus"), "the engines cannot reserve CPUs for one container; it has no effect (limit them with cpus, or weigh them with cpuShares)")
	}
	r.blkio()
	for i, g := range s.GetGpus() {
		r.gpu(r.path.Field("gpus").Index(i), g)
	}
	for i, dev := range resv.GetDevices() {
		p := dp.Field("reservations").Field("devices").Index(i)
		if !slices.Contains(dev.GetCapabilities(), "gpu") {
			r.d.Errorf(p.Field("capabilities"), "khepri maps device reservations with the gpu capability only; use devices for other devices")
			continue
		}
		r.gpu(p, dev)
	}
}

// int adds a flag for an integer key within [min, max]; max -1 is unbounded.
func (r *run) int(field, flag string, v *int64, min, max int64) {
	if v == nil {
		return
	}
	if *v < min || max != -1 && *v > max {
		bound := fmt.Sprintf("at least %d", min)
		if max != -1 {
			bound = fmt.Sprintf("from %d to %d", min, max)
		}
		r.d.Errorf(r.path.Field(field), "%s is %d; it must be %s", field, *v, bound)
		return
	}
	r.flag(flag, itoa64(*v))
}

// cpus adds the CPU limit, from cpus or deploy.resources.limits.cpus, and returns the
// option it came from and whether it is set.
func (r *run) cpus(field string, v *structpb.Value, deployPath diag.Path, deployV *structpb.Value) (diag.Path, bool) {
	p := r.path.Field(field)
	if _, set, _ := parse.Scalar(deployV); set {
		if _, both, _ := parse.Scalar(v); both {
			r.d.Errorf(deployPath, "set the CPU limit once: cpus or deploy.resources.limits.cpus")
			return deployPath, false
		}
		v, p = deployV, deployPath
	}
	s, set, err := parse.CPUs(v)
	switch {
	case err != nil:
		r.d.Errorf(p, "%v", err)
	case set:
		r.flag("--cpus", s)
	}
	return p, set
}

func (r *run) bytes(field, flag string, v *structpb.Value, deployPath diag.Path, deployV *structpb.Value, negOK bool) {
	p := r.path.Field(field)
	if _, set, _ := parse.Scalar(deployV); set {
		if _, both, _ := parse.Scalar(v); both {
			r.d.Errorf(deployPath, "set it once: %s or %s", field, strings.TrimPrefix(string(deployPath), string(r.path)+"."))
			return
		}
		v, p = deployV, deployPath
	}
	if n, set, err := parse.Bytes(v, negOK); err != nil {
		r.d.Errorf(p, "%v", err)
	} else if set {
		r.flag(flag, itoa64(n))
	}
}

func (r *run) blkio() {
	b := r.svc.GetBlkioConfig()
	if b == nil {
		return
	}
	p := r.path.Field("blkioConfig")
	if b.Weight != nil {
		if w := b.GetWeight(); w < 10 || w > 1000 {
			r.d.Errorf(p.Field("weight"), "block IO weight %d must be from 10 to 1000", w)
		} else {
			r.flag("--blkio-weight", itoa64(w))
		}
	}
	for i, wd := range b.GetWeightDevice() {
		q := p.Field("weightDevice").Index(i)
		switch {
		case !strings.HasPrefix(wd.GetPath(), "/dev/"):
			r.d.Errorf(q.Field("path"), "device %q must be a path under /dev", wd.GetPath())
		case wd.GetWeight() < 10 || wd.GetWeight() > 1000:
			r.d.Errorf(q.Field("weight"), "block IO weight %d must be from 10 to 1000", wd.GetWeight())
		default:
			r.flag("--blkio-weight-device", wd.GetPath()+":"+itoa64(wd.GetWeight()))
		}
	}
	for _, t := range []struct {
		field, flag string
		list        []*khepriv1.ThrottleDevice
		bytes       bool
	}{
		{"deviceReadBps", "--device-read-bps", b.GetDeviceReadBps(), true},
		{"deviceWriteBps", "--device-write-bps", b.GetDeviceWriteBps(), true},
		{"deviceReadIops", "--device-read-iops", b.GetDeviceReadIops(), false},
		{"deviceWriteIops", "--device-write-iops", b.GetDeviceWriteIops(), false},
	} {
		for i, td := range t.list {
			q := p.Field(t.field).Index(i)
			if !strings.HasPrefix(td.GetPath(), "/dev/") {
				r.d.Errorf(q.Field("path"), "device %q must be a path under /dev", td.GetPath())
				continue
			}
			rate, set, err := parse.Scalar(td.GetRate())
			var n int64
			if err == nil && set {
				if t.bytes {
					n, err = parse.ParseBytes(rate)
				} else if _, e := fmt.Sscanf(rate, "%d", &n); e != nil || itoa64(n) != rate || n < 0 {
					err = fmt.Errorf("invalid rate %q: use a whole number of operations per second", rate)
				}
			}
			if err != nil || !set {
				if err == nil {
					err = fmt.Errorf("rate is missing")
				}
				r.d.Errorf(q.Field("rate"), "%v", err)
				continue
			}
			r.flag(t.flag, td.GetPath()+":"+itoa64(n))
		}
	}
}

// gpu maps one GPU request: docker's --gpus takes it whole; podman reaches GPUs through
// CDI devices, which select all of a vendor's GPUs or GPUs by id.
func (r *run) gpu(p diag.Path, g *khepriv1.DeviceRequest) {
	count, countSet, err := parse.Scalar(g.GetCount())
	if err != nil {
		r.d.Errorf(p.Field("count"), "%v", err)
		return
	}
	if countSet && count != "all" {
		if n, ok := positive(count); !ok {
			r.d.Errorf(p.Field("count"), "invalid GPU count %q: use a positive number or \"all\"", count)
			return
		} else {
			count = itoa64(n)
		}
	}
	ids := g.GetDeviceIds()
	if countSet && len(ids) > 0 {
		r.d.Errorf(p, "count and deviceIds exclude each other; set one of them")
		return
	}
	if !countSet && len(ids) == 0 {
		// Compose: with neither, every GPU.
		count = "all"
	}
	if r.podman() {
		if drv := g.GetDriver(); drv != "" && drv != "nvidia" {
			r.d.Errorf(p.Field("driver"), "podman reaches GPUs through CDI, which khepri maps for the nvidia driver only; list the CDI device in devices")
			return
		}
		if len(g.GetOptions()) > 0 {
			r.d.Errorf(p.Field("options"), "podman's CDI devices take no driver options")
			return
		}
		if count != "" && count != "all" {
			r.d.Errorf(p.Field("count"), "podman's CDI devices select every GPU or GPUs by id, not a number of them; use count = \"all\" or deviceIds")
			return
		}
		if count == "all" {
			ids = []string{"all"}
		}
		for _, id := range ids {
			r.ctr.Devices = append(r.ctr.Devices, "nvidia.com/gpu="+id)
		}
		return
	}
	var fields []string
	if count != "" {
		fields = append(fields, "count="+count)
	}
	if len(ids) > 0 {
		fields = append(fields, "device="+strings.Join(ids, ","))
	}
	if drv := g.GetDriver(); drv != "" {
		fields = append(fields, "driver="+drv)
	}
	if caps := g.GetCapabilities(); len(caps) > 0 {
		fields = append(fields, "capabilities="+strings.Join(caps, ","))
	}
	if opts := g.GetOptions(); len(opts) > 0 {
		var kv []string
		for _, k := range slices.Sorted(maps.Keys(opts)) {
			kv = append(kv, k+"="+opts[k])
		}
		fields = append(fields, "options="+strings.Join(kv, ","))
	}
	if len(fields) == 1 && fields[0] == "count=all" {
		r.flag("--gpus", "all")
		return
	}
	// docker reads the request as one CSV record, so a field with commas is quoted.
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write(fields)
	w.Flush()
	r.flag("--gpus", strings.TrimSuffix(b.String(), "\n"))
}

func positive(s string) (int64, bool) {
	var n int64
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil || itoa64(n) != s || n <= 0 {
		return 0, false
	}
	return n, true
}
