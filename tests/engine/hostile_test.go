//go:build engine

package engine

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// hostile are strings that break a command line built without care: quotes,
// expansions, command substitution, separators, redirections, escapes, control
// characters, systemd specifiers and non-ASCII. MARK stands for a file whose existence
// would show that some script ran part of a value as shell.
var hostile = []string{
	`it's "quoted"`,
	`$HOME`,
	`${HOME:-x}`,
	`$(touch MARK)`,
	"`touch MARK`",
	`back\slash\n\\`,
	`a;touch MARK;b`,
	`x && touch MARK`,
	`x | touch MARK`,
	`> MARK`,
	`'; touch MARK; echo '`,
	`"; touch MARK; echo "`,
	"line1\nline2\ntouch MARK",
	"tab\there",
	"ünïcødé ☃ 日本語 🚀",
	`%h %n %%`,
	`*`,
	`~`,
	`-e`,
	`--rm`,
	``,
	` leading and trailing `,
}

// Every hostile value reaches the container unchanged, as an environment value, a
// label and a command argument, and no unit script runs any part of one.
func TestHostileStrings(t *testing.T) {
	t.Parallel()
	mark := filepath.Join(t.TempDir(), "pwned")
	// Registered before the stack, so it runs after the stack's stop, and also when
	// the start fails half-way.
	t.Cleanup(func() {
		if _, err := os.Stat(mark); err == nil {
			t.Errorf("%s exists: a unit script ran part of a value as shell", mark)
		}
	})
	values := make([]string, len(hostile))
	env, labels := map[string]string{}, map[string]string{}
	for i, h := range hostile {
		values[i] = strings.ReplaceAll(h, "MARK", mark)
		env[fmt.Sprintf("HOSTILE_%02d", i)] = values[i]
		labels[fmt.Sprintf("org.example.hostile.%02d", i)] = values[i]
	}
	svc := map[string]any{
		"image":       "PROBE",
		"command":     append([]string{"serve", "8080"}, values...),
		"environment": env,
		"labels":      labels,
	}
	b, err := json.Marshal(map[string]any{"services": map[string]any{"app": svc}})
	if err != nil {
		t.Fatal(err)
	}
	s := newStack(t, string(b))
	s.start()
	ctr := s.ctr("app")
	r := serving(t, ctr, 8080)
	if want := append([]string{"serve", "8080"}, values...); !slices.Equal(r.Args, want) {
		t.Errorf("args inside:\n got  %q\n want %q", r.Args, want)
	}
	in := inspect(t, ctr)
	for k, v := range env {
		if r.Env[k] != v {
			t.Errorf("env %s inside = %q, want %q", k, r.Env[k], v)
		}
		if !slices.Contains(in.Config.Env, k+"="+v) {
			t.Errorf("inspect Env lacks %s=%q", k, v)
		}
	}
	for k, v := range labels {
		if got, ok := in.Config.Labels[k]; !ok || got != v {
			t.Errorf("label %s = %q (set: %v), want %q", k, got, ok, v)
		}
	}
}
