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
