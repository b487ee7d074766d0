package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/khepri-nix/khepri/host/expander"
	"github.com/khepri-nix/khepri/host/internal/readlimit"
	"github.com/khepri-nix/khepri/proto/khepri/canonjson"
	khepriv1 "github.com/khepri-nix/khepri/proto/khepri/v1"
)

// pluginEnv names the plugin when --plugin is absent, for running khepri by hand.
const pluginEnv = "KHEPRI_PLUGIN"

type expandOptions struct {
	plugin  string
	request string
	out     string
	timeout time.Duration

	// open starts the plugin; tests swap in a fake.
	open func(ctx context.Context, path string, opts expander.Options) (expanderClient, error)
}

// expanderClient is what runExpand needs of a running plugin.
type expanderClient interface {
	Expand(ctx context.Context, req *khepriv1.ExpandRequest) (*khepriv1.ExpandResponse, error)
	Close() error
}

func openPlugin(ctx context.Context, path string, opts expander.Options) (expanderClient, error) {
	return expander.Open(ctx, path, opts)
}

func newExpandCommand() *cobra.Command {
	opts := expandOptions{open: openPlugin}
	cmd := &cobra.Command{
		Use:   "expand --plugin PATH --request FILE [--out FILE]",
		Short: "Expand a request with the expander plugin and write the response JSON",
		Long: `Expand reads an expansion request (the JSON that nixlib/expand.nix renders from
khepri.compositions), has the expander plugin expand it, and writes the response JSON
in canonical, byte-stable form. Diagnostics about the compositions are part of the
response; the command fails only on a bad request or a plugin fault.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.plugin == "" {
				opts.plugin = os.Getenv(pluginEnv)
			}
			return runExpand(cmd.Context(), opts, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.plugin, "plugin", "", "expander plugin binary (default $"+pluginEnv+")")
	f.StringVar(&opts.request, "request", "", "expansion request JSON file")
	f.StringVar(&opts.out, "out", "", "write the response here, atomically, instead of to stdout")
	f.DurationVar(&opts.timeout, "timeout", expander.DefaultTimeout, "bound on the plugin's whole run: handshake, Expand and stopping it (a plugin still running then is killed, with what it started)")
	_ = cmd.MarkFlagRequired("request")
	return cmd
}

func runExpand(ctx context.Context, opts expandOptions, stdout io.Writer) (err error) {
	if opts.plugin == "" {
		return fmt.Errorf("no expander plugin: give --plugin or set %s", pluginEnv)
	}
	if opts.timeout <= 0 {
		return fmt.Errorf("--timeout must be positive, not %s", opts.timeout)
	}
	// The request is checked before the plugin starts: a bad request is the
	// cheaper and likelier fault, and its message should not wait on a process.
	req, err := readRequest(ctx, opts.request)
	if err != nil {
		return err
	}
	data, err := expandRequest(ctx, opts, req)
	if err != nil {
		return err
	}
	if opts.out == "" {
		_, err = stdout.Write(data)
		return err
	}
	return writeFileAtomic(opts.out, data)
}

// expandRequest has the plugin expand req and renders the response canonically.
func expandRequest(ctx context.Context, opts expandOptions, req *khepriv1.ExpandRequest) ([]byte, error) {
	client, err := opts.open(ctx, opts.plugin, expander.Options{Timeout: opts.timeout})
	if err != nil {
		return nil, err
	}
	resp, err := client.Expand(ctx, req)
	// The plugin is stopped before the output is written: its job is done, and a
	// plugin that fails to stop must not cost the build its result.
	_ = client.Close()
	if err != nil {
		return nil, err
	}

	// The plugin's golden files use the same encoding, so $out is byte for byte what
	// its tests pin down; protojson alone varies its whitespace between builds.
	data, err := canonjson.Marshal(resp)
	if err != nil {
		return nil, fmt.Errorf("render response: %w", err)
	}
	return data, nil
}

// maxRequestSize bounds the request read: Nix renders a few KiB per composition, inline
// config contents included, so a larger file is not a request.
const maxRequestSize = 64 * readlimit.MiB

// readRequest parses the request strictly: an unknown field is an error naming it,
// because it means a Nix option that proto/khepri/v1 lacks.
func readRequest(ctx context.Context, path string) (*khepriv1.ExpandRequest, error) {
	data, err := readlimit.File(ctx, "request", path, maxRequestSize)
	var tooLarge *readlimit.TooLargeError
	if errors.As(err, &tooLarge) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("read request: %w", err)
	}
	return parseRequest(path, data)
}

func parseRequest(path string, data []byte) (*khepriv1.ExpandRequest, error) {
	req := &khepriv1.ExpandRequest{}
	if err := protojson.Unmarshal(data, req); err != nil {
		return nil, fmt.Errorf("parse request %s: %s", path, protoErrorText(err))
	}
	return req, nil
}

// protoErrorText drops protobuf-go's "proto:" prefix, which it follows with a space or,
// at random per build, a non-breaking space so nobody matches on it; without it the
// message is stable.
func protoErrorText(err error) string {
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "proto:"); ok {
		return strings.TrimLeft(rest, " \u00a0")
	}
	return msg
}
