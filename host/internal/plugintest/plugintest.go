// Package plugintest builds plugin binaries for the host's process tests: the real
// expander (./plugin) and the stand-ins of host/internal/testplugin, each a real
// go-plugin process. Every binary is built at most once per test binary.
package plugintest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The stand-in plugins; see host/internal/testplugin.
const (
	Fixed   = "fixed"
	Version = "version"
	Crash   = "crash"
	Hang    = "hang"
	Fail    = "fail"
)

// Real names the real expander plugin, built from ./plugin.
const Real = "real"

var (
	dir    string
	mu     sync.Mutex
	builds = map[string]*build{}
)

type build struct {
	once sync.Once
	path string
	err  error
}

// Main runs the tests with a temporary directory for the binaries and removes it
// afterwards. Call it from TestMain.
func Main(m *testing.M) {
	var err error
	dir, err = os.MkdirTemp("", "khepri-plugintest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// Path returns the path of the named plugin binary, building it on first use. A build
// failure fails the test rather than skipping it: a host that was never run against
// the plugin is not tested.
func Path(tb testing.TB, name string) string {
	tb.Helper()
	if dir == "" {
		tb.Fatal("plugintest: call plugintest.Main from TestMain")
	}
	mu.Lock()
	b, ok := builds[name]
	if !ok {
		b = &build{}
		builds[name] = b
	}
	mu.Unlock()

	b.once.Do(func() { b.path, b.err = goBuild(name) })
	if b.err != nil {
		tb.Fatal(b.err)
	}
	return b.path
}

func goBuild(name string) (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, name)
	args := []string{"build", "-o", out}
	pkg := "./plugin"
	if name != Real {
		args = append(args, "-ldflags", "-X main.mode="+name)
		pkg = "./host/internal/testplugin"
	}
	cmd := exec.Command("go", append(args, pkg)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		if name == Real {
			return "", fmt.Errorf("the real expander plugin %s does not build, so the host cannot be tested against it:\n%s", pkg, msg)
		}
		return "", fmt.Errorf("build test plugin %q: %v\n%s", name, err, msg)
	}
	return out, nil
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("plugintest: not inside the khepri module")
	}
	return filepath.Dir(gomod), nil
}
