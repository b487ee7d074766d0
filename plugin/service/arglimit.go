package service

import (
	"maps"
	"slices"

	"github.com/khepri-nix/khepri/plugin/diag"
	"github.com/khepri-nix/khepri/plugin/systemd"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// argLimits checks the words of the container's run command against the kernel's limit
// on one argument. An environment variable (`-e K=V`, which the container's process
// also gets as one environment string) and a label (`-l K=V`) are reported at their
// option, the command at command, and any other word at the service, by its start.
func argLimits(ctr *khepriv1.Container, path diag.Path, d *diag.Collector) {
	for _, k := range slices.Sorted(maps.Keys(ctr.GetEnvironment())) {
		if err := systemd.CheckArg(k + "=" + ctr.GetEnvironment()[k]); err != nil {
			d.Errorf(path.Field("environment").Key(k), "%v; the container's own environment has the same limit, so envFile cannot carry it either: keep a value this large in a file the container reads (secrets, configs or a bind mount)", err)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(ctr.GetLabels())) {
		if err := systemd.CheckArg(k + "=" + ctr.GetLabels()[k]); err != nil {
			d.Errorf(path.Field("labels").Key(k), "%v; set it in a labelFile, which the engine reads when the container starts", err)
		}
	}
	if err := systemd.CheckArgs(ctr.GetCmd()...); err != nil {
		d.Errorf(path.Field("command"), "%v; put the script in a file (configs) and run that", err)
	}
	words := append([]string{ctr.GetImage(), ctr.GetEntrypoint(), ctr.GetHostname(), ctr.GetUser(), ctr.GetWorkdir()}, ctr.GetPorts()...)
	for _, list := range [][]string{ctr.GetVolumes(), ctr.GetDevices(), ctr.GetEnvironmentFiles(), ctr.GetExtraOptions(), ctr.GetPreRunExtraOptions()} {
		words = append(words, list...)
	}
	if err := systemd.CheckArgs(words...); err != nil {
		d.Errorf(path, "%v; keep a value this long in a file the container reads", err)
	}
}
