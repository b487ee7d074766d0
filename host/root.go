package main

import "github.com/spf13/cobra"

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "khepri",
		Short: "Expand docker-compose style compositions declared in NixOS into NixOS attribute sets",
		// main prints the error once, as "khepri: <message>"; usage after a build
		// failure would only bury the message in the Nix log.
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(newExpandCommand(), newFreezeCommand(), newImportCommand(), newEnvFileCommand(), newBuildImageCommand(), newLockCommand(), newFetchImageCommand(), newPullImagesCommand(), newVersionCommand())
	root.AddCommand(hostCommands(newHostRuntime())...)
	return root
}
