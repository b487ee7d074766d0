// Command testplugin is a stand-in expander for the host's process tests. Its
// behaviour is chosen at link time, so that each fault is a real go-plugin process:
//
//	go build -ldflags "-X main.mode=crash" ./host/internal/testplugin
//
// fixed    answers with one container per service (image copied), a target per
// composition and one warning
// noisy    answers as fixed, after go-plugin-style log lines on its stderr
// version  speaks protocol version 99
// crash    exits with status 3 inside Expand
// panic    panics inside Expand
// hang     never answers Expand
// stop     has itself stopped with SIGSTOP inside Expand
// fail     answers Expand with a gRPC error
// empty    answers Expand with an empty response
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/hashicorp/go-plugin"

	"github.com/khepri-nix/khepri/proto/khepri/rpc"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

var mode = "fixed"

type expander struct{}

func (expander) Expand(_ context.Context, req *khepriv1.ExpandRequest) (*khepriv1.ExpandResponse, error) {
	switch mode {
	case "crash":
		os.Exit(3)
	case "panic":
		panic("the test plugin panics on purpose")
	case "hang":
		time.Sleep(time.Hour)
	case "stop":
		// A shell sends the signal: a Go process that signals itself with SIGSTOP is, on
		// some kernels, not reliably stopped, while one stopped from outside stays so.
		_ = exec.Command("/bin/sh", "-c", "kill -STOP "+strconv.Itoa(os.Getpid())).Run()
	case "fail":
		return nil, errors.New("the test plugin fails on purpose")
	case "empty":
		return &khepriv1.ExpandResponse{}, nil
	}
	resp := &khepriv1.ExpandResponse{
		Diagnostics: []*khepriv1.Diagnostic{{
			Severity: khepriv1.Severity_SEVERITY_WARNING,
			Path:     "khepri.compositions",
			Message:  "expanded by the test plugin",
		}},
		Containers: map[string]*khepriv1.Container{},
		Targets:    map[string]*khepriv1.SystemdTarget{},
	}
	for cname, comp := range req.GetCompositions() {
		resp.Targets["khepri-"+cname] = &khepriv1.SystemdTarget{}
		for sname, svc := range comp.GetServices() {
			resp.Containers[cname+"-"+sname] = &khepriv1.Container{Image: svc.GetImage()}
		}
	}
	return resp, nil
}

func main() {
	if mode == "noisy" {
		// Lines go-plugin's host reads as log records of level WARN and ERROR.
		fmt.Fprintln(os.Stderr, "[WARN] the test plugin warns on purpose")
		fmt.Fprintln(os.Stderr, `{"@level":"error","@message":"the test plugin logs an error on purpose"}`)
	}
	handshake := rpc.Handshake
	if mode == "version" {
		handshake.ProtocolVersion = 99
	}
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: handshake,
		Plugins:         rpc.PluginSet(expander{}),
		GRPCServer:      plugin.DefaultGRPCServer,
	})
}
