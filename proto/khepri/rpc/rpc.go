// Package rpc is the go-plugin glue shared by the khepri host and the expander plugin:
// the handshake and the gRPC plugin type. It holds no expansion logic.
package rpc

import (
	"context"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// ProtocolVersion is the version of the host–plugin protocol. It changes whenever
// proto/khepri/v1 changes in a way an older peer would misread, so that a host and a
// plugin of different versions refuse each other in the handshake. Version 3 added the
// response's pulls and timers, which an older host would drop unread.
const ProtocolVersion = 3

// PluginName is the name under which the expander is dispensed.
const PluginName = "expander"

// Handshake is checked by both sides before any call. The cookie only keeps the plugin
// binary from being run by hand by mistake; it is not a security measure.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  ProtocolVersion,
	MagicCookieKey:   "KHEPRI_EXPANDER_PLUGIN",
	MagicCookieValue: "2f0c3d1e-khepri-expander",
}

// Expander is what the plugin implements and what the host calls.
type Expander interface {
	Expand(ctx context.Context, req *khepriv1.ExpandRequest) (*khepriv1.ExpandResponse, error)
}

// ExpanderPlugin adapts an Expander to go-plugin's gRPC transport. The plugin side sets
// Impl; the host side leaves it nil.
type ExpanderPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	Impl Expander
}

var _ plugin.GRPCPlugin = (*ExpanderPlugin)(nil)

// GRPCServer registers the expander on the plugin's gRPC server.
func (p *ExpanderPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	khepriv1.RegisterExpanderServiceServer(s, &server{impl: p.Impl})
	return nil
}

// GRPCClient returns an Expander that calls the plugin over conn.
func (p *ExpanderPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, conn *grpc.ClientConn) (any, error) {
	return &client{rpc: khepriv1.NewExpanderServiceClient(conn)}, nil
}

// PluginSet is the plugin map both sides pass to go-plugin.
func PluginSet(impl Expander) plugin.PluginSet {
	return plugin.PluginSet{PluginName: &ExpanderPlugin{Impl: impl}}
}

type server struct {
	khepriv1.UnimplementedExpanderServiceServer
	impl Expander
}

func (s *server) Expand(ctx context.Context, req *khepriv1.ExpandRequest) (*khepriv1.ExpandResponse, error) {
	return s.impl.Expand(ctx, req)
}

type client struct {
	rpc khepriv1.ExpanderServiceClient
}

func (c *client) Expand(ctx context.Context, req *khepriv1.ExpandRequest) (*khepriv1.ExpandResponse, error) {
	return c.rpc.Expand(ctx, req)
}
