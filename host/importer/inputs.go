package importer

import (
	"github.com/compose-spec/compose-go/v2/cli"

	"github.com/khepri-nix/khepri/host/internal/readlimit"
)

// The sizes khepri import reads at most. compose-go reads these files whole, so a path
// such as /dev/zero would exhaust memory (issue 13); real files are a few KiB.
const (
	// MaxComposeFileSize bounds each compose file given with -f or found by default.
	MaxComposeFileSize = 4 * readlimit.MiB
	// MaxEnvFileSize bounds the project's .env and each --env-file.
	MaxEnvFileSize = 4 * readlimit.MiB
)

// checkComposeFiles refuses, before compose-go reads them, compose files over the limit
// and files that are not regular (a device, a FIFO: compose-go reads each compose file
// more than once, so not even a short FIFO would load).
func checkComposeFiles(o *cli.ProjectOptions) error {
	for _, f := range o.ConfigPaths {
		if err := readlimit.Check("compose file", f, MaxComposeFileSize); err != nil {
			return err
		}
	}
	return nil
}

// checkEnvFiles does for the environment files what checkComposeFiles does for the
// compose files; it runs before each cli.WithDotEnv, which reads them.
func checkEnvFiles(o *cli.ProjectOptions) error {
	for _, f := range o.EnvFiles {
		if err := readlimit.Check("environment file", f, MaxEnvFileSize); err != nil {
			return err
		}
	}
	return nil
}
