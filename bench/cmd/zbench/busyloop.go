package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// busyLoopArg, as zbench's only argument, makes the process the loaded
// condition's busy loop instead of a benchmark run. It is not a flag, so
// -help does not offer it.
const busyLoopArg = "-busy-loop-child"

// busyLoopReady is the line the busy loop prints once it is about to spin.
const busyLoopReady = "spinning"

// runBusyLoop is the whole life of the busy-loop child: one thread spinning
// in user space, the equivalent of `while :; do :; done`, until its stdin
// reaches EOF. zbench holds the only write end of that pipe, so the loop
// ends when zbench stops it and also when zbench dies in any way, SIGKILL
// included: no spinner outlives its parent.
func runBusyLoop() {
	runtime.GOMAXPROCS(1) // one core taken, never more
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	runtime.Gosched() // let the watcher block in read before spinning
	os.Stdout.WriteString(busyLoopReady + "\n")
	for {
	}
}

// A busyLoop is a running busy-loop child. Only the goroutine that started
// it may stop it.
type busyLoop struct {
	cmd   *exec.Cmd
	stdin io.Closer
	began time.Time
	done  bool
}

// busyLoopStartTimeout bounds how long the child may take to say it spins.
const busyLoopStartTimeout = 5 * time.Second

// startBusyLoop starts zbench's own executable as a busy loop and returns
// once it spins. The child stays in zbench's process group, so a ^C typed
// at the terminal reaches it directly as well.
func startBusyLoop() (*busyLoop, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("busy loop: %w", err)
	}
	cmd := exec.Command(exe, busyLoopArg)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("busy loop: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		stdin.Close()
		return nil, fmt.Errorf("busy loop: %w", err)
	}
	if err := cmd.Start(); err != nil {
		stdin.Close()
		return nil, fmt.Errorf("busy loop: %w", err)
	}
	b := &busyLoop{cmd: cmd, stdin: stdin}
	ready := make(chan error, 1)
	go func() {
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err == nil && strings.TrimSpace(line) != busyLoopReady {
			err = fmt.Errorf("it printed %q", line)
		}
		ready <- err
	}()
	timer := time.NewTimer(busyLoopStartTimeout)
	defer timer.Stop()
	select {
	case err = <-ready:
	case <-timer.C:
		err = fmt.Errorf("not spinning after %s", busyLoopStartTimeout)
	}
	if err != nil {
		b.stop()
		return nil, fmt.Errorf("busy loop %s: %w", exe, err)
	}
	b.began = time.Now()
	return b, nil
}

// stop kills the busy loop and waits for it to be gone. It returns the CPU
// time the loop had since it began spinning and the wall time over which it
// had it, to show how much of a core the load really took. Calling stop
// again, or on nil, does nothing.
func (b *busyLoop) stop() (cpu, wall time.Duration) {
	if b == nil || b.done {
		return 0, 0
	}
	b.done = true
	if !b.began.IsZero() {
		wall = time.Since(b.began)
	}
	b.stdin.Close()
	b.cmd.Process.Kill()
	b.cmd.Wait()
	if ps := b.cmd.ProcessState; ps != nil && wall > 0 {
		cpu = ps.UserTime() + ps.SystemTime()
	}
	return cpu, wall
}

// busyStats add up what the busy loop had over all the loaded blocks.
type busyStats struct {
	blocks    int
	cpu, wall time.Duration
}

// share is the fraction of one core the busy loop had, 0 when it never ran.
func (s busyStats) share() float64 {
	if s.wall <= 0 {
		return 0
	}
	return s.cpu.Seconds() / s.wall.Seconds()
}
