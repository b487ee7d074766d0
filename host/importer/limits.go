package importer

import (
	nw "github.com/khepri-nix/khepri/host/importer/nixwriter"
	"github.com/khepri-nix/khepri/proto/khepri/rejected"
)

var throttleFields = []field{
	{"path", "path", (*converter).str},
	{"rate", "rate", (*converter).intOrString},
}

var weightDeviceFields = []field{
	{"path", "path", (*converter).str},
	{"weight", "weight", (*converter).integer},
}

var blkioFields = []field{
	{"weight", "weight", (*converter).integer},
	{"weight_device", "weightDevice", objects(weightDeviceFields)},
	{"device_read_bps", "deviceReadBps", objects(throttleFields)},
	{"device_write_bps", "deviceWriteBps", objects(throttleFields)},
	{"device_read_iops", "deviceReadIops", objects(throttleFields)},
	{"device_write_iops", "deviceWriteIops", objects(throttleFields)},
}

var deviceRequestFields = []field{
	{"capabilities", "capabilities", (*converter).strList},
	{"count", "count", (*converter).intOrString},
	{"device_ids", "deviceIds", (*converter).strList},
	{"driver", "driver", (*converter).str},
	{"options", "options", (*converter).mapping},
}

// gpus writes `"all"`, compose's short form, which compose-go has turned into one
// request for every device; other requests stay a list.
func (c *converter) gpus(path string, v any) nw.Value {
	if s, ok := v.(string); ok {
		return nw.String(s)
	}
	if l, ok := v.([]any); ok && len(l) == 1 {
		if m, ok := l[0].(map[string]any); ok && len(m) == 1 && m["count"] == "all" {
			return nw.String("all")
		}
	}
	return objects(deviceRequestFields)(c, path, v)
}

var resourceFields = []field{
	{"limits", "limits", sub(limitFields)},
	{"reservations", "reservations", sub(reservationFields)},
}

var limitFields = []field{
	{"cpus", "cpus", (*converter).number},
	{"memory", "memory", (*converter).intOrString},
	{"pids", "pids", (*converter).integer},
}

// reservationFields are deploy.resources.reservations' keys, and those khepri refuses.
var reservationFields = append([]field{
	{"cpus", "cpus", (*converter).number},
	{"memory", "memory", (*converter).intOrString},
	{"devices", "devices", objects(deviceRequestFields)},
}, refusedFields(rejected.Reservations)...)

// deployFields are deploy's keys. The swarm settings are written as they are: khepri
// warns that they have no effect, which tells the user more than dropping them would.
// replicas is written as the service's scale (see converter.service).
var deployFields = []field{
	{"resources", "resources", sub(resourceFields)},
	{"restart_policy", "restartPolicy", sub(restartPolicyFields)},
	{"mode", "mode", (*converter).raw},
	{"labels", "labels", (*converter).raw},
	{"placement", "placement", (*converter).raw},
	{"update_config", "updateConfig", (*converter).raw},
	{"rollback_config", "rollbackConfig", (*converter).raw},
	{"endpoint_mode", "endpointMode", (*converter).raw},
	{"replicas", "", func(*converter, string, any) nw.Value { return nil }},
}

var restartPolicyFields = []field{
	{"condition", "condition", (*converter).str},
	{"delay", "delay", (*converter).duration},
	{"max_attempts", "maxAttempts", (*converter).integer},
	{"window", "window", (*converter).duration},
}

// replicasOf is a service's deploy.replicas, if set.
func replicasOf(svc map[string]any) (any, bool) {
	dep, _ := svc["deploy"].(map[string]any)
	v, ok := dep["replicas"]
	return v, ok && v != nil
}
