package affinity

import (
	"errors"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestPinAndNameThread(t *testing.T) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread() // the thread is left pinned: let it exit with the goroutine
		cpu := runtime.NumCPU() - 1
		if err := PinThread([]int{cpu}); err != nil {
			t.Error(err)
			return
		}
		var set unix.CPUSet
		if err := unix.SchedGetaffinity(0, &set); err != nil || set.Count() != 1 || !set.IsSet(cpu) {
			t.Errorf("affinity after PinThread(%d): %v, count %d", cpu, err, set.Count())
		}
		if err := NameThread("zring-test-thread-long"); err != nil {
			t.Error(err)
		}
		comm, _ := os.ReadFile("/proc/self/task/" + strconv.Itoa(ThreadID()) + "/comm")
		if got := strings.TrimSpace(string(comm)); got != "zring-test-thre" {
			t.Errorf("thread name %q (Linux keeps 15 bytes)", got)
		}
		if err := PinThread([]int{-1}); !errors.Is(err, unix.EINVAL) {
			t.Errorf("PinThread(-1): %v", err)
		}
		if err := PinThread(nil); err != nil {
			t.Errorf("PinThread(nil): %v", err)
		}
	}()
	<-done
}

// TestClaimThreadRestores: the thread a loop claimed goes back with its
// old name and CPU set, so Go can run other goroutines on it.
func TestClaimThreadRestores(t *testing.T) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		comm := func() string {
			b, _ := os.ReadFile("/proc/self/task/" + strconv.Itoa(ThreadID()) + "/comm")
			return strings.TrimSpace(string(b))
		}
		var before unix.CPUSet
		unix.SchedGetaffinity(0, &before)
		name := comm()
		cpu := runtime.NumCPU() - 1
		restore, err := ClaimThread("zclaim/IO/0", []int{cpu})
		if err != nil {
			t.Error(err)
			return
		}
		var set unix.CPUSet
		unix.SchedGetaffinity(0, &set)
		if comm() != "zclaim/IO/0" || set.Count() != 1 || !set.IsSet(cpu) {
			t.Errorf("claimed: name %q, %d CPUs", comm(), set.Count())
		}
		restore()
		unix.SchedGetaffinity(0, &set)
		if comm() != name || set != before {
			t.Errorf("restored: name %q (want %q), CPU set changed: %v", comm(), name, set != before)
		}
	}()
	<-done
}
