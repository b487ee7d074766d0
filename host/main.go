// Command khepri is the host of the khepri expander: `khepri expand` is the builder of
// the expansion derivation that nixlib/expand.nix imports from.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/khepri-nix/khepri/host/engine"
)

func main() {
	// A signal cancels the context so that deferred Close calls stop the plugin
	// instead of leaving it behind when Nix interrupts a build.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCommand().ExecuteContext(ctx)
	stop()
	// `khepri exec` exits with its command's status, which the command has explained.
	var exit *engine.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.Code)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "khepri: %v\n", err)
		os.Exit(1)
	}
}
