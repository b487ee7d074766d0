// Package expander is the host side of the expander plugin: it starts the plugin binary
// with hashicorp/go-plugin over gRPC, calls Expand, and stops it. Its errors say which
// fault happened (missing binary, protocol mismatch, crash, timeout) in one line a Nix
// build log reader can act on, because this runs as the builder of the expansion
// derivation. The timeout bounds the plugin's whole run, stopping it included, so that a
// plugin can fail a build but never hang it.
package expander

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/khepri-nix/khepri/proto/khepri/rpc"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// DefaultTimeout bounds the plugin's run when Options.Timeout is zero. Expanding is
// pure computation over a small request, so two minutes only ever passes when the
// plugin is stuck, and a Nix build should then fail rather than hang.
const DefaultTimeout = 2 * time.Minute

// errTimedOut is the cancel cause of an Expand call that ran out of time.
var errTimedOut = errors.New("timed out")

const (
	// exitWait is how long a failed call waits for go-plugin to notice that the plugin
	// process is gone; the process watcher runs asynchronously to the gRPC error.
	exitWait = 2 * time.Second
	// closeGrace is how long Close lets a plugin that answered stop by itself (go-plugin's
	// Shutdown call) before it kills the plugin's process group.
	closeGrace = 2 * time.Second
	// reapWait is how long Close waits, after the kill, for go-plugin to see the process
	// end and its pipes close; a descendant that left the process group and holds them
	// is abandoned, since the command exits next.
	reapWait = 2 * time.Second
)

// The kinds of fault Open and Expand report, for errors.Is. The error text itself is
// written for people and names the plugin path.
var (
	ErrNotFound         = errors.New("expander plugin not found")
	ErrNotExecutable    = errors.New("expander plugin not executable")
	ErrProtocolMismatch = errors.New("expander plugin protocol mismatch")
	ErrHandshake        = errors.New("expander plugin handshake failed")
	ErrStart            = errors.New("expander plugin failed to start")
	ErrExited           = errors.New("expander plugin exited")
	ErrCrashed          = errors.New("expander plugin crashed")
	ErrTimeout          = errors.New("expander plugin timed out")
	ErrBadResponse      = errors.New("expander plugin response does not answer the request")
)

// Options tune Open. The zero value is usable.
type Options struct {
	// Timeout bounds the plugin's run from Open to the end of Close: the handshake and
	// Expand share it, and Close kills a plugin still running when it is spent. Zero
	// means DefaultTimeout.
	Timeout time.Duration
	// Stderr receives what the plugin writes to its os.Stderr (go-plugin forwards it);
	// nil means os.Stderr. go-plugin's own log lines and the plugin's crash output are
	// never written: the error says what happened, in one line.
	Stderr io.Writer
}

// Client is a running expander plugin. Close it to stop the plugin process.
type Client struct {
	path     string
	timeout  time.Duration
	deadline time.Time
	client   *plugin.Client
	group    *processGroup
	expander rpc.Expander
	exits    *logSink
	stderr   *stderrLog

	// stuck is set when the plugin failed to answer in time: Close kills it at once.
	stuck     atomic.Bool
	closeOnce sync.Once
}

// Open starts the plugin binary at path, checks the handshake and dispenses the
// expander. On error no plugin process is left running. The process outlives ctx
// (only Close stops it); ctx being done stops Open.
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

	// go-plugin's logger writes nowhere; the sink keeps the plugin's exit status from it.
	logger := hclog.NewInterceptLogger(&hclog.LoggerOptions{
		Name:   "khepri",
		Level:  hclog.Error,
		Output: io.Discard,
	})
	exits := &logSink{}
	logger.RegisterSink(exits)

	cmd, group := newProcessGroup(path)
	stderr := &stderrLog{}
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  rpc.Handshake,
		Plugins:          rpc.PluginSet(nil),
		Cmd:              cmd,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		Logger:           logger,
		Stderr:           stderr,
		SyncStderr:       opts.Stderr,
		// Open's own timer below ends the handshake first; go-plugin's is a backstop.
		StartTimeout: opts.Timeout + time.Second,
	})
	c := &Client{
		path:     path,
		timeout:  opts.Timeout,
		deadline: time.Now().Add(opts.Timeout),
		client:   client,
		group:    group,
		exits:    exits,
		stderr:   stderr,
	}

	// The handshake runs aside: go-plugin's Client call has no context, and a plugin
	// stopped mid-handshake would otherwise hold Open past the timeout.
	type handshake struct {
		expander rpc.Expander
		err      error
	}
	done := make(chan handshake, 1)
	go func() {
		e, err := c.handshake()
		done <- handshake{e, err}
	}()
	timer := time.NewTimer(opts.Timeout)
	defer timer.Stop()
	var err error
	select {
	case h := <-done:
		group.started()
		if h.err == nil {
			c.expander = h.expander
			return c, nil
		}
		err = h.err
	case <-timer.C:
		err = c.handshakeTimeout(nil)
	case <-ctx.Done():
		err = context.Cause(ctx)
	}
	c.stuck.Store(true)
	_ = c.Close()
	return nil, err
}

// handshake starts the plugin and dispenses the expander.
func (c *Client) handshake() (rpc.Expander, error) {
	protocol, err := c.client.Client()
	if err != nil {
		return nil, c.startError(err)
	}
	raw, err := protocol.Dispense(rpc.PluginName)
	if err != nil {
		return nil, fault(ErrHandshake, err, "expander plugin %s: dispense %q: %s", c.path, rpc.PluginName, oneLine(err.Error()))
	}
	e, ok := raw.(rpc.Expander)
	if !ok {
		return nil, fault(ErrHandshake, nil, "expander plugin %s: dispensed %T, not an expander", c.path, raw)
	}
	return e, nil
}

// Expand sends req to the plugin, bounded by what is left of the client's timeout.
// Diagnostics about the input come back inside the response; an error here is always
// a plugin fault, a response that does not answer req included.
func (c *Client) Expand(ctx context.Context, req *khepriv1.ExpandRequest) (*khepriv1.ExpandResponse, error) {
	// The timeout is enforced here rather than as a gRPC deadline: a deadline travels
	// to the plugin, whose server may cancel the stream a moment before the host's
	// timer fires, and the host could then not tell a timeout from a broken stream.
	callCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	timer := time.AfterFunc(time.Until(c.deadline), func() { cancel(errTimedOut) })
	defer timer.Stop()

	resp, err := c.expander.Expand(callCtx, req)
	if err == nil {
		if err := checkAnswer(c.path, req, resp); err != nil {
			return nil, err
		}
		return resp, nil
	}
	switch {
	case ctx.Err() != nil:
		c.stuck.Store(true)
		return nil, fmt.Errorf("expander plugin %s: Expand: %w", c.path, context.Cause(ctx))
	case errors.Is(context.Cause(callCtx), errTimedOut):
		c.stuck.Store(true)
		return nil, fault(ErrTimeout, err, "expander plugin %s timed out after %s in Expand", c.path, c.timeout)
	}
	// A crash shows up as a broken transport; an error the plugin returned does not,
	// and needs no wait for the process watcher.
	if status.Code(err) == codes.Unavailable && c.waitExited(exitWait) {
		if p := c.stderr.panicLine(); p != "" {
			return nil, fault(ErrCrashed, err, "expander plugin %s crashed during Expand: %s", c.path, p)
		}
		return nil, fault(ErrExited, err, "expander plugin %s exited during Expand%s", c.path, c.exitDetail())
	}
	if status.Code(err) == codes.Unavailable {
		// Unreachable yet running: nothing to wait for when stopping it.
		c.stuck.Store(true)
	}
	return nil, fmt.Errorf("expander plugin %s: Expand: %s", c.path, shorten(oneLine(status.Convert(err).Message())))
}

// Close stops the plugin: it asks a plugin that answered to shut down, within what is
// left of the timeout and at most closeGrace, then kills the plugin's process group,
// which also ends what a plugin script started. Close returns within that grace plus
// reapWait, whatever the plugin does. It is safe to call more than once.
func (c *Client) Close() error {
	c.closeOnce.Do(func() {
		stopped := make(chan struct{})
		go func() {
			c.client.Kill()
			close(stopped)
		}()
		grace := min(closeGrace, time.Until(c.deadline))
		if c.stuck.Load() {
			grace = 0
		}
		if !wait(stopped, grace) {
			c.group.kill()
			wait(stopped, reapWait)
		}
		// A plugin that stopped may have left children behind.
		c.group.kill()
	})
	return nil
}

// wait reports whether ch closes within d.
func wait(ch <-chan struct{}, d time.Duration) bool {
	if d <= 0 {
		select {
		case <-ch:
			return true
		default:
			return false
		}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ch:
		return true
	case <-t.C:
		return false
	}
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

// exitDetail is " (exit status 3)", with ": <last line of stderr>" when the plugin
// said something before it went; "" when go-plugin logged no status.
func (c *Client) exitDetail() string {
	var s string
	if st := c.exits.status(); st != "" {
		s = " (" + st + ")"
	}
	if last := c.stderr.lastLine(); last != "" {
		s += ": " + last
	}
	return s
}
