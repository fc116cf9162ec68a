package zring_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zring/zring"
)

// threadsNamed returns the /proc/self/task directories of this process's
// threads whose name starts with prefix.
func threadsNamed(t *testing.T, prefix string) []string {
	t.Helper()
	tasks, err := filepath.Glob("/proc/self/task/*")
	if err != nil || len(tasks) == 0 {
		t.Skip("no /proc/self/task")
	}
	var found []string
	for _, task := range tasks {
		comm, err := os.ReadFile(filepath.Join(task, "comm"))
		if err == nil && strings.HasPrefix(strings.TrimSpace(string(comm)), prefix) {
			found = append(found, task)
		}
	}
	return found
}

// threadsNamedSettled is threadsNamed once the count equals want, or
// after two seconds: the threads of a loop that has just ended exit
// shortly after its context's Term returns.
func threadsNamedSettled(t *testing.T, prefix string, want int) []string {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		found := threadsNamed(t, prefix)
		if len(found) == want || time.Now().After(deadline) {
			return found
		}
		time.Sleep(time.Millisecond)
	}
}

func cpusAllowed(t *testing.T, task string) string {
	t.Helper()
	status, err := os.ReadFile(filepath.Join(task, "status"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "Cpus_allowed_list:"); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatal("no Cpus_allowed_list")
	return ""
}

// TestLoopThreadsNamedAndPinned: the loops' threads carry the prefix and
// run only on the CPUs IOThreadCPUs names (checked in /proc, as ps and
// taskset would see them).
func TestLoopThreadsNamedAndPinned(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Linux only")
	}
	cpu := runtime.NumCPU() - 1
	ctx, err := zring.NewContext(zring.IOThreads(2), zring.Backend("epoll"), zring.ThreadNamePrefix("zt"), zring.IOThreadCPUs(cpu))
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Term()
	tasks := threadsNamedSettled(t, "zt/IO/", 2)
	if len(tasks) != 2 {
		t.Fatalf("%d threads named zt/IO/*, want 2", len(tasks))
	}
	for _, task := range tasks {
		if got := cpusAllowed(t, task); got != strconv.Itoa(cpu) {
			t.Errorf("%s may run on CPUs %q, want %d", task, got, cpu)
		}
	}
	// The context works on its pinned loops.
	pull, _ := ctx.NewSocket(zring.PULL)
	push, _ := ctx.NewSocket(zring.PUSH)
	for _, s := range []*zring.Socket{pull, push} {
		s.SetOption(zring.Linger, 0)
		s.SetOption(zring.RcvTimeo, 5000)
		defer s.Close()
	}
	pull.Bind("tcp://127.0.0.1:0")
	ep, _ := pull.GetOption(zring.LastEndpoint)
	push.Connect(ep.(string))
	push.Send([]byte("pinned"), 0)
	mustRecv(t, pull, "pinned")
}

func TestLoopThreadsDefaultName(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Linux only")
	}
	ctx, _ := zring.NewContext(zring.Backend("epoll"), zring.ThreadNamePrefix("zdef"))
	ctx.Term()
	// The prefix above is only to know this test's threads; without one
	// the name is zring/IO/N, checked with a context of its own.
	if got := len(threadsNamedSettled(t, "zdef/IO/", 0)); got != 0 {
		t.Errorf("%d threads named zdef/IO/* after Term, want 0 (loop threads end with their loop)", got)
	}
	before := len(threadsNamedSettled(t, "zring/IO/", 0))
	ctx, _ = zring.NewContext(zring.Backend("epoll"))
	if got := len(threadsNamed(t, "zring/IO/")); got != before+1 {
		t.Errorf("%d threads named zring/IO/*, want %d", got, before+1)
	}
	ctx.Term()
}

func TestIOThreadCPUsInvalid(t *testing.T) {
	if _, err := zring.NewContext(zring.IOThreadCPUs(-1)); !errors.Is(err, zring.ErrInvalid) {
		t.Fatalf("CPU -1: %v", err)
	}
	if runtime.GOOS == "linux" {
		// A CPU the machine does not have: sched_setaffinity says EINVAL.
		if _, err := zring.NewContext(zring.Backend("epoll"), zring.IOThreadCPUs(1000)); !errors.Is(err, zring.ErrInvalid) {
			t.Fatalf("CPU 1000: %v", err)
		}
	}
	// Goroutine loops cannot be pinned: say so instead of ignoring it.
	if _, err := zring.NewContext(zring.Backend("netpoll"), zring.IOThreadCPUs(0)); !errors.Is(err, zring.ErrNotSupported) {
		t.Fatalf("netpoll with CPUs: %v", err)
	}
	if _, err := zring.NewContext(zring.Backend("kqueue")); !errors.Is(err, zring.ErrInvalid) {
		t.Fatalf("unknown backend: %v", err)
	}
}
