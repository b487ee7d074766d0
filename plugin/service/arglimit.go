package service

import (
	"maps"
	"slices"

	"github.com/khepri-nix/khepri/plugin/systemd"
)

// argLimits checks the words of the container's run command against the kernel's limit
// on one argument. An environment variable (`-e K=V`, which the container's process
// also gets as one environment string) and a label (`-l K=V`) are reported at their
// option, the command at command, and any other word at the service, by its start.
func (r *run) argLimits() {
	for _, k := range slices.Sorted(maps.Keys(r.ctr.GetEnvironment())) {
		if err := systemd.CheckArg(k + "=" + r.ctr.GetEnvironment()[k]); err != nil {
			r.d.Errorf(r.path.Field("environment").Key(k), "%v; the container's own environment has the same limit, so envFile cannot carry it either: keep a value this large in a file the container reads (secrets, configs or a bind mount)", err)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(r.ctr.GetLabels())) {
		if err := systemd.CheckArg(k + "=" + r.ctr.GetLabels()[k]); err != nil {
			r.d.Errorf(r.path.Field("labels").Key(k), "%v; set it in a labelFile, which the engine reads when the container starts", err)
		}
	}
	if err := systemd.CheckArgs(r.ctr.GetCmd()...); err != nil {
		r.d.Errorf(r.path.Field("command"), "%v; put the script in a file (configs) and run that", err)
	}
	words := append([]string{r.ctr.GetImage(), r.ctr.GetEntrypoint(), r.ctr.GetHostname(), r.ctr.GetUser(), r.ctr.GetWorkdir()}, r.ctr.GetPorts()...)
	for _, list := range [][]string{r.ctr.GetVolumes(), r.ctr.GetDevices(), r.ctr.GetEnvironmentFiles(), r.ctr.GetExtraOptions(), r.ctr.GetPreRunExtraOptions()} {
		words = append(words, list...)
	}
	if err := systemd.CheckArgs(words...); err != nil {
		r.d.Errorf(r.path, "%v; keep a value this long in a file the container reads", err)
	}
}
