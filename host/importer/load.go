package importer

import (
	"context"
	"errors"
	"path/filepath"
	"slices"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// project is a loaded compose project: its canonical model, which keeps which keys
// the files set, and what compose made of it.
type project struct {
	name string
	dir  string
	// model is compose-go's merged, interpolated, canonical model, before
	// normalisation adds what the files did not say (the default network).
	model map[string]any
	// profiles are the profiles compose-go selected services with.
	profiles []string
	env      types.Mapping
	// files are the compose files read, included ones too, for locating findings.
	files []string
}

// load reads the project twice through compose-go: once as docker compose does, which
// validates it, applies profiles and checks references, and once as a model without
// normalisation, for the keys the files set. Environment resolution is off in both, because it would
// inline env_file contents into environment.
func load(ctx context.Context, opts Options) (*project, error) {
	var included []string
	listener := func(event string, metadata map[string]any) {
		if event != "include" {
			return
		}
		wd, _ := metadata["workingdir"].(string)
		var paths []string
		switch p := metadata["path"].(type) {
		case types.StringList:
			paths = p
		case []string:
			paths = p
		}
		for _, f := range paths {
			if !filepath.IsAbs(f) {
				f = filepath.Join(wd, f)
			}
			included = append(included, f)
		}
	}

	for _, f := range opts.Files {
		if f == "-" {
			return nil, errors.New("-f -: reading the compose file from stdin is not supported; give its path")
		}
	}
	po, err := projectOptions(opts)
	if err != nil {
		return nil, err
	}
	po.WithListeners(listener)
	full, err := po.LoadProject(ctx)
	if err != nil {
		return nil, err
	}

	// The model is loaded with the environment the project was interpolated with:
	// ProjectOptions.LoadModel would interpolate with an empty one.
	configFiles := make([]types.ConfigFile, 0, len(full.ComposeFiles))
	for _, f := range full.ComposeFiles {
		configFiles = append(configFiles, types.ConfigFile{Filename: f})
	}
	model, err := loader.LoadModelWithContext(ctx, types.ConfigDetails{
		ConfigFiles: configFiles,
		WorkingDir:  full.WorkingDir,
		Environment: full.Environment,
	}, func(o *loader.Options) {
		o.SetProjectName(full.Name, true)
		o.SkipNormalization = true
		o.SkipResolveEnvironment = true
		o.SkipResolveLabels = true
	})
	if err != nil {
		return nil, err
	}

	p := &project{
		name:     full.Name,
		dir:      full.WorkingDir,
		model:    model,
		profiles: full.Profiles,
		env:      full.Environment,
		files:    slices.Concat(full.ComposeFiles, included),
	}
	return p, nil
}

// projectOptions builds compose-go's options in the order docker compose builds them
// (cmd/compose/compose.go, ToProjectOptions), with the environment from opts.Env, and
// checks each file's size before compose-go reads it.
func projectOptions(opts Options) (*cli.ProjectOptions, error) {
	return cli.NewProjectOptions(opts.Files,
		cli.WithWorkingDirectory(opts.ProjectDir),
		cli.WithEnv(opts.Env),
		cli.WithEnvFiles(opts.EnvFiles...),
		checkEnvFiles,
		cli.WithDotEnv,
		cli.WithConfigFileEnv,
		cli.WithDefaultConfigPath,
		checkComposeFiles,
		cli.WithEnvFiles(opts.EnvFiles...),
		checkEnvFiles,
		cli.WithDotEnv,
		cli.WithDefaultProfiles(opts.Profiles...),
		cli.WithName(opts.Name),
		cli.WithLoadOptions(func(o *loader.Options) {
			o.SkipResolveEnvironment = true
			o.SkipResolveLabels = true
		}),
	)
}
