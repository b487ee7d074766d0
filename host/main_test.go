package main

import (
	"os"
	"testing"

	"github.com/khepri-nix/khepri/host/internal/plugintest"
)

// runMainEnv makes the test binary act as the khepri command, so that process tests
// see exactly what a Nix build log shows: stderr and the exit code.
const runMainEnv = "KHEPRI_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		os.Exit(0)
	}
	plugintest.Main(m)
}
