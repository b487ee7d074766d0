package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/khepri-nix/khepri/host/expander"
	"github.com/khepri-nix/khepri/host/internal/readlimit"
)

// frozenFormat is the version of the expansion file's layout; nixlib/expand.nix reads
// only this one.
const frozenFormat = 1

// frozenExpansion is the committed expansion file: the response to one request, and the
// hash by which evaluation recognises that request (builtins.hashString "sha256").
type frozenExpansion struct {
	Format        int             `json:"format"`
	RequestSha256 string          `json:"requestSha256"`
	Response      json.RawMessage `json:"response"`
}

type freezeOptions struct {
	expand expandOptions
	check  bool
}

func newFreezeCommand() *cobra.Command {
	opts := freezeOptions{expand: expandOptions{open: openPlugin}}
	cmd := &cobra.Command{
		Use:   "freeze --request FILE|- --out FILE [--check]",
		Short: "Write the expansion to a file that evaluation reads instead of building it",
		Long: `Freeze expands a request, as the IFD build does, and writes the response with the
request's SHA-256 to --out (atomically), for khepri.expansionFile or lib.expand's
expansionFile: evaluation then builds nothing and needs no import-from-derivation. It
checks the hash and fails with an assertion when the compositions changed since.

The request is the one Nix computes:
  nix eval --raw .#nixosConfigurations.HOST.config.khepri.request | khepri freeze --request - --out khepri-expansion.json

With --check, nothing is written: the command exits 1 when --out differs from what it
would write (another request, another khepri, or an edit by hand).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runFreeze(cmd.Context(), opts, cmd.InOrStdin())
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.expand.plugin, "plugin", "", "expander plugin binary (default $"+pluginEnv+", else khepri-expander beside this khepri)")
	f.StringVar(&opts.expand.request, "request", "", "expansion request JSON file, - for standard input")
	f.StringVar(&opts.expand.out, "out", "", "the expansion file to write or check")
	f.DurationVar(&opts.expand.timeout, "timeout", expander.DefaultTimeout, "bound on the plugin's handshake and its Expand call")
	f.BoolVar(&opts.check, "check", false, "exit 1 if --out is not current, writing nothing")
	_ = cmd.MarkFlagRequired("request")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

func runFreeze(ctx context.Context, opts freezeOptions, stdin io.Reader) error {
	e := opts.expand
	if e.plugin == "" {
		e.plugin = defaultPlugin()
	}
	if e.plugin == "" {
		return fmt.Errorf("no expander plugin: give --plugin or set %s", pluginEnv)
	}
	raw, err := readRequestBytes(ctx, e.request, stdin)
	if err != nil {
		return err
	}
	req, err := parseRequest(e.request, raw)
	if err != nil {
		return err
	}
	resp, err := expandRequest(ctx, e, req)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(raw)
	data, err := json.MarshalIndent(frozenExpansion{Format: frozenFormat, RequestSha256: hex.EncodeToString(sum[:]), Response: resp}, "", "  ")
	if err != nil {
		return fmt.Errorf("render expansion file: %w", err)
	}
	data = append(data, '\n')
	if !opts.check {
		return writeFileAtomic(e.out, data)
	}
	have, err := os.ReadFile(e.out)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if !bytes.Equal(have, data) {
		return fmt.Errorf("%s is not the current expansion of this request: run khepri freeze without --check to rewrite it", e.out)
	}
	return nil
}

// readRequestBytes reads the request file, or standard input for "-", as khepri expand
// reads its request: at most maxRequestSize bytes, abandoned on a signal.
func readRequestBytes(ctx context.Context, path string, stdin io.Reader) ([]byte, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = readlimit.Reader(ctx, "request", "standard input", stdin, maxRequestSize)
	} else {
		data, err = readlimit.File(ctx, "request", path, maxRequestSize)
	}
	var tooLarge *readlimit.TooLargeError
	if err != nil && !errors.As(err, &tooLarge) && ctx.Err() == nil {
		err = fmt.Errorf("read request: %w", err)
	}
	return data, err
}

// defaultPlugin is $KHEPRI_PLUGIN, else the khepri-expander installed beside this
// binary, as the khepri package installs it.
func defaultPlugin() string {
	if p := os.Getenv(pluginEnv); p != "" {
		return p
	}
	self, err := os.Executable()
	if err != nil {
		return ""
	}
	p := filepath.Join(filepath.Dir(self), "khepri-expander")
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}
