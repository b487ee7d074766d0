// Command khepri-expander is khepri's expander plugin: the khepri host starts it with
// hashicorp/go-plugin and calls Expand over gRPC. It is not meant to be run by hand.
package main

import (
	"github.com/hashicorp/go-plugin"

	"github.com/khepri-nix/khepri/plugin/expand"
	"github.com/khepri-nix/khepri/proto/khepri/rpc"
)

func main() {
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: rpc.Handshake,
		Plugins:         rpc.PluginSet(expand.Expander{}),
		GRPCServer:      plugin.DefaultGRPCServer,
	})
}
