package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"github.com/khepri-nix/khepri/host/envfile"
)

type envFileOptions struct {
	out     string
	env     []string
	sources []envfile.Source
}

// sourceFlag is one of the flags that list env files: all of them append to one list,
// so that the files keep the order they were given in, a later one overriding an
// earlier one as in compose.
type sourceFlag struct {
	list          *[]envfile.Source
	optional, raw bool
}

func (f sourceFlag) Set(path string) error {
	*f.list = append(*f.list, envfile.Source{Path: path, Optional: f.optional, Raw: f.raw})
	return nil
}

func (f sourceFlag) String() string { return "" }
func (f sourceFlag) Type() string   { return "path" }

func newEnvFileCommand() *cobra.Command {
	var opts envFileOptions
	cmd := &cobra.Command{
		Use:   "env-file --out FILE [--env KEY=VALUE]... --file PATH...",
		Short: "Write a container's env files in the literal form of the engine's --env-file",
		Long: `env-file reads env files as docker compose reads a service's env_file (quotes,
comments, KEY = value, ${VAR}) and writes the variables to --out, mode 0600, one
KEY=VALUE a line: the form docker's and podman's --env-file take literally. A container
unit runs it before every start, and the engine reads --out.

The files are read in the order given, a later one overriding an earlier one. ${VAR}
resolves against the --env variables (the service's environment), then against the
variables read so far; an unset variable is empty. A missing --file fails, a missing
--optional-file is skipped; the --raw- flags take the lines literally (compose's format:
raw). A value the literal form cannot pass (a line break) fails, naming file and key.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runEnvFile(opts, cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.out, "out", "", "the file to write")
	f.StringArrayVar(&opts.env, "env", nil, "a variable of the service's environment, KEY=VALUE; repeatable")
	for _, s := range []struct {
		name, usage   string
		optional, raw bool
	}{
		{"file", "an env file the container needs", false, false},
		{"optional-file", "an env file skipped when missing (required: false)", true, false},
		{"raw-file", "an env file whose lines are taken literally (format: raw)", false, true},
		{"optional-raw-file", "both of the above", true, true},
	} {
		f.Var(sourceFlag{list: &opts.sources, optional: s.optional, raw: s.raw}, s.name, s.usage+"; repeatable")
	}
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

func runEnvFile(opts envFileOptions, stderr io.Writer) error {
	env := map[string]string{}
	for _, e := range opts.env {
		k, v, ok := strings.Cut(e, "=")
		if !ok || k == "" {
			return fmt.Errorf("--env %q: want KEY=VALUE", e)
		}
		env[k] = v
	}
	// compose-go warns about an unset variable through logrus, as compose does.
	logrus.SetOutput(stderr)
	logrus.SetFormatter(warningLine{})
	vars, err := envfile.Load(opts.sources, env)
	if err != nil {
		return err
	}
	return envfile.Write(opts.out, vars)
}

// warningLine prints a compose-go warning as one line of khepri's.
type warningLine struct{}

func (warningLine) Format(e *logrus.Entry) ([]byte, error) {
	return []byte("khepri: warning: " + e.Message + "\n"), nil
}
