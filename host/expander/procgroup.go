package expander

import (
	"context"
	"os/exec"
	"syscall"
)

// processGroup starts the plugin as the leader of a process group of its own, so that
// stopping it also stops what it started: a plugin that is a script runs the real
// plugin, or a stray `sleep`, as children that hold go-plugin's pipes open, and
// go-plugin waits for those pipes to close (issue 12).
type processGroup struct {
	cmd    *exec.Cmd
	cancel context.CancelFunc
	// pid is the group's id, known once go-plugin's start has returned.
	pid int
}

// newProcessGroup returns the command for the plugin at path. Its context's cancel is
// the way to kill the group while go-plugin may still be starting the process: exec.Cmd
// then calls Cancel itself, once the process exists, without racing the start.
func newProcessGroup(path string) (*exec.Cmd, *processGroup) {
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, path)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	return cmd, &processGroup{cmd: cmd, cancel: cancel}
}

// started records the group's id; call it once go-plugin's start has returned.
func (g *processGroup) started() {
	if g.cmd.Process != nil {
		g.pid = g.cmd.Process.Pid
	}
}

// kill sends SIGKILL to every process of the group: SIGKILL also ends a stopped
// process. Killing a group whose processes are all gone does nothing.
func (g *processGroup) kill() {
	g.cancel()
	if g.pid > 0 {
		_ = syscall.Kill(-g.pid, syscall.SIGKILL)
	}
}
