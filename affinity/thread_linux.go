package affinity

import (
	"golang.org/x/sys/unix"
)

// PinThread restricts the calling OS thread to cpus (sched_setaffinity).
// The caller must have locked its goroutine to the thread
// (runtime.LockOSThread), or the pinning may land on a thread that later
// runs other goroutines. An empty cpus leaves the thread as it is.
func PinThread(cpus []int) error {
	if len(cpus) == 0 {
		return nil
	}
	var set unix.CPUSet
	set.Zero()
	for _, c := range cpus {
		if c < 0 || c >= len(set)*64 {
			return unix.EINVAL
		}
		set.Set(c)
	}
	return unix.SchedSetaffinity(0, &set)
}

// NameThread names the calling OS thread as ps, top and /proc show it
// (prctl PR_SET_NAME; Linux keeps the first 15 bytes).
func NameThread(name string) error {
	b := make([]byte, 16)
	copy(b[:15], name)
	return unix.Prctl(unix.PR_SET_NAME, uintptr(unsafePointer(&b[0])), 0, 0, 0)
}

// ThreadID is the calling OS thread's id (gettid).
func ThreadID() int { return unix.Gettid() }
