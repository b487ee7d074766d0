// Package expander is the host side of the expander plugin: it starts the plugin binary
// with hashicorp/go-plugin over gRPC, calls Expand, and stops it. Its errors say which
// fault happened (missing binary, protocol mismatch, crash, timeout) in words a Nix build
// log reader can act on, because this runs as the builder of the expansion derivation.
package expander

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"regexp"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/khepri-nix/khepri/proto/khepri/rpc"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// DefaultTimeout bounds the handshake and the Expand call when Options.Timeout is zero.
// Expanding is pure computation over a small request, so two minutes only ever passes
// when the plugin is stuck, and a Nix build should then fail rather than hang.
const DefaultTimeout = 2 * time.Minute

// errTimedOut is the cancel cause of an Expand call that ran out of time.
var errTimedOut = errors.New("timed out")

// exitWait is how long a failed call waits for go-plugin to notice that the plugin
// process is gone; the process watcher runs asynchronously to the gRPC error.
const exitWait = 2 * time.Second

// The kinds of fault Open and Expand report, for errors.Is. The error text itself is
// written for people and names the plugin path.
var (
	ErrNotFound         = errors.New("expander plugin not found")
	ErrNotExecutable    = errors.New("expander plugin not executable")
	ErrProtocolMismatch = errors.New("expander plugin protocol mismatch")
	ErrStart            = errors.New("expander plugin failed to start")
	ErrExited           = errors.New("expander plugin exited")
	ErrTimeout          = errors.New("expander plugin timed out")
)

// Options tune Open. The zero value is usable.
type Options struct {
	// Timeout bounds the handshake and each Expand call; zero means DefaultTimeout.
	Timeout time.Duration
	// Stderr receives go-plugin's warnings and the plugin's own stderr; nil means os.Stderr.
	Stderr io.Writer
}

// Client is a running expander plugin. Close it to stop the plugin process.
type Client struct {
	path     string
	timeout  time.Duration
	client   *plugin.Client
	expander rpc.Expander
	exits    *logSink
}

// Open starts the plugin binary at path, checks the handshake and dispenses the
// expander. On error no plugin process is left running. The process outlives ctx
// (only Close stops it); ctx only stops Open from starting one once it is done.
func Open(ctx context.Context, path string, opts Options) (*Client, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkExecutable(path); err != nil {
		return nil, err
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Stderr == nil {
		opts.Stderr = os.Stderr
	}

	// Warn level keeps IFD build logs quiet: go-plugin logs every start at Debug and
	// Info. Its own logger writes nowhere; the sink filters and forwards (see logSink).
	logger := hclog.NewInterceptLogger(&hclog.LoggerOptions{
		Name:   "khepri",
		Level:  hclog.Warn,
		Output: io.Discard,
	})
	exits := &logSink{out: hclog.NewSinkAdapter(&hclog.LoggerOptions{
		Name:   "khepri",
		Level:  hclog.Warn,
		Output: opts.Stderr,
	})}
	logger.RegisterSink(exits)

	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  rpc.Handshake,
		Plugins:          rpc.PluginSet(nil),
		Cmd:              exec.Command(path),
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		Logger:           logger,
		SyncStderr:       opts.Stderr,
		StartTimeout:     opts.Timeout,
	})
	c := &Client{path: path, timeout: opts.Timeout, client: client, exits: exits}

	protocol, err := client.Client()
	if err != nil {
		client.Kill()
		return nil, c.startError(err)
	}
	raw, err := protocol.Dispense(rpc.PluginName)
	if err != nil {
		client.Kill()
		return nil, fmt.Errorf("expander plugin %s: dispense %q: %w", path, rpc.PluginName, err)
	}
	expander, ok := raw.(rpc.Expander)
	if !ok {
		client.Kill()
		return nil, fmt.Errorf("expander plugin %s: dispensed %T, not an expander", path, raw)
	}
	c.expander = expander
	return c, nil
}

// Expand sends req to the plugin, bounded by the client's timeout. Diagnostics about
// the input come back inside the response; an error here is always a plugin fault.
func (c *Client) Expand(ctx context.Context, req *khepriv1.ExpandRequest) (*khepriv1.ExpandResponse, error) {
	// The timeout is enforced here rather than as a gRPC deadline: a deadline travels
	// to the plugin, whose server may cancel the stream a moment before the host's
	// timer fires, and the host could then not tell a timeout from a broken stream.
	callCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	timer := time.AfterFunc(c.timeout, func() { cancel(errTimedOut) })
	defer timer.Stop()

	resp, err := c.expander.Expand(callCtx, req)
	if err == nil {
		return resp, nil
	}
	switch {
	case ctx.Err() != nil:
		return nil, fmt.Errorf("expander plugin %s: Expand: %w", c.path, ctx.Err())
	case errors.Is(context.Cause(callCtx), errTimedOut):
		return nil, fault(ErrTimeout, err, "expander plugin %s timed out after %s in Expand", c.path, c.timeout)
	}
	// A crash shows up as a broken transport; an error the plugin returned does not,
	// and needs no wait for the process watcher.
	if status.Code(err) == codes.Unavailable && c.waitExited(exitWait) {
		msg := fmt.Sprintf("expander plugin %s exited during Expand", c.path)
		if status := c.exits.status(); status != "" {
			msg += " (" + status + ")"
		}
		return nil, fault(ErrExited, err, "%s", msg)
	}
	return nil, fmt.Errorf("expander plugin %s: Expand: %s", c.path, status.Convert(err).Message())
}

// Close stops the plugin process. It is safe to call more than once.
func (c *Client) Close() error {
	c.client.Kill()
	return nil
}

// checkExecutable turns the common path mistakes into plain messages before go-plugin
// turns them into fork/exec errors.
func checkExecutable(path string) error {
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fault(ErrNotFound, err, "expander plugin %s not found", path)
	case err != nil:
		return fault(ErrStart, err, "expander plugin %s: %v", path, err)
	case info.IsDir():
		return fault(ErrNotExecutable, nil, "expander plugin %s is a directory, not an executable", path)
	case info.Mode().Perm()&0o111 == 0:
		return fault(ErrNotExecutable, nil, "expander plugin %s is not executable", path)
	}
	return nil
}

// incompatibleVersion matches go-plugin's handshake error, whose capitalisation has
// changed between releases: "Incompatible API version with plugin. Plugin version: 2,
// Client versions: [1]".
var incompatibleVersion = regexp.MustCompile(`(?i)incompatible API version with plugin\. Plugin version: (\d+), Client versions: \[([\d ]*)\]`)

// startError explains why the plugin did not get through the handshake.
func (c *Client) startError(err error) error {
	if m := incompatibleVersion.FindStringSubmatch(err.Error()); m != nil {
		return fault(ErrProtocolMismatch, err,
			"expander plugin %s speaks protocol version %s; this khepri speaks version %d",
			c.path, m[1], rpc.ProtocolVersion)
	}
	if errors.Is(err, fs.ErrPermission) {
		return fault(ErrNotExecutable, err, "expander plugin %s is not executable", c.path)
	}
	if c.client.Exited() || c.exits.status() != "" {
		msg := fmt.Sprintf("expander plugin %s exited before the handshake", c.path)
		if status := c.exits.status(); status != "" {
			msg += " (" + status + ")"
		}
		return fault(ErrExited, err, "%s; is it a khepri expander plugin?", msg)
	}
	return fault(ErrStart, err, "expander plugin %s failed to start: %v", c.path, err)
}

// waitExited reports whether the plugin process has exited, waiting up to d for
// go-plugin's process watcher to notice.
func (c *Client) waitExited(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for !c.client.Exited() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}
