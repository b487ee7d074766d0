// Package plugintest builds plugin binaries for the host's process tests: the real
// expander (./plugin) and the stand-ins of host/internal/testplugin, each a real
// go-plugin process. Every binary is built at most once per test binary.
package plugintest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The stand-in plugins; see host/internal/testplugin.
const (
	Fixed   = "fixed"
	Noisy   = "noisy"
	Version = "version"
	Crash   = "crash"
	Panic   = "panic"
	Hang    = "hang"
	Stop    = "stop"
	Fail    = "fail"
	Empty   = "empty"
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

// Script writes an executable shell script running body (`\n` in body separates lines)
// and returns its path. A child process writes it: a file this process had open for
// writing could still be open in a child it forks for a parallel test, and executing
// the script would then fail with "text file busy".
func Script(tb testing.TB, body string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "plugin.sh")
	text := "#!/bin/sh\n" + strings.ReplaceAll(body, `\n`, "\n") + "\n"
	out, err := exec.Command("/bin/sh", "-c", `printf '%s' "$1" >"$2" && chmod 755 "$2"`, "sh", text, path).CombinedOutput()
	if err != nil {
		tb.Fatalf("write %s: %v\n%s", path, err, out)
	}
	return path
}

// ReadPID reads the process id a script wrote to path.
func ReadPID(tb testing.TB, path string) int {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return pid
}

// AssertGone fails the test unless process pid ends within a minute; a process killed
// with SIGKILL ends at once, so the bound only tells a killed process from one left
// running, on however busy a machine. A zombie counts as gone: its new parent reaps it
// when it will. A process still running is killed, so that no test leaves one behind.
func AssertGone(tb testing.TB, pid int, what string) {
	tb.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return
		}
		// The state follows the command name, which is in parentheses.
		fields := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
		if len(fields) > 0 && (fields[0] == "Z" || fields[0] == "X") {
			return
		}
		if time.Now().After(deadline) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			tb.Fatalf("%s (pid %d) still runs", what, pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
