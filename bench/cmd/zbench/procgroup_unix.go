//go:build unix

package main

import (
	"os"
	"os/exec"
	"syscall"
)

// ownProcessGroup makes cmd the leader of a new process group and has
// cancellation kill the whole group, so that a tool started through a
// wrapper script does not leave its children running when it hangs.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}

// contextSwitches returns a finished process's voluntary context switches
// (it blocked: a futex, epoll_wait, a read with nothing to read) and
// involuntary ones (the kernel preempted it for another thread), its
// waited-for children included.
func contextSwitches(ps *os.ProcessState) (voluntary, involuntary int64) {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return int64(ru.Nvcsw), int64(ru.Nivcsw)
	}
	return 0, 0
}

// stopHelper asks a proxy to stop: SIGTERM to its process group, on which
// the proxy tools and the relay exit with status 0.
func stopHelper(cmd *exec.Cmd) {
	syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
}
