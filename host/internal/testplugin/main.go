// Command testplugin is a stand-in expander for the host's process tests. Its
// behaviour is chosen at link time, so that each fault is a real go-plugin process:
//
//	go build -ldflags "-X main.mode=crash" ./host/internal/testplugin
//
// fixed    answers with one container per service (image copied) and one warning
// version  speaks protocol version 99
// crash    exits with status 3 inside Expand
// hang     never answers Expand
// fail     answers Expand with a gRPC error
package main

import (
	"context"
	"errors"
	"os"
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
	case "hang":
		time.Sleep(time.Hour)
	case "fail":
		return nil, errors.New("the test plugin fails on purpose")
	}
	resp := &khepriv1.ExpandResponse{
		Diagnostics: []*khepriv1.Diagnostic{{
			Severity: khepriv1.Severity_SEVERITY_WARNING,
			Path:     "khepri.compositions",
			Message:  "expanded by the test plugin",
		}},
		Containers: map[string]*khepriv1.Container{},
	}
	for cname, comp := range req.GetCompositions() {
		for sname, svc := range comp.GetServices() {
			resp.Containers[cname+"-"+sname] = &khepriv1.Container{Image: svc.GetImage()}
		}
	}
	return resp, nil
}

func main() {
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
