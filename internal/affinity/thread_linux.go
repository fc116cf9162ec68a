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

// ClaimThread names the calling OS thread and pins it to cpus (see
// NameThread, PinThread), and returns what gives the thread back as it
// was: its old name and CPU set. A goroutine locked to a thread must call
// it before it unlocks, or the thread goes back to Go's pool still named
// and pinned (and Go may run the main goroutine, or any other, on it).
func ClaimThread(name string, cpus []int) (restore func(), err error) {
	old := make([]byte, 16)
	if err := unix.Prctl(unix.PR_GET_NAME, uintptr(unsafePointer(&old[0])), 0, 0, 0); err != nil {
		return func() {}, err
	}
	var oldSet unix.CPUSet
	if err := unix.SchedGetaffinity(0, &oldSet); err != nil {
		return func() {}, err
	}
	restore = func() {
		unix.Prctl(unix.PR_SET_NAME, uintptr(unsafePointer(&old[0])), 0, 0, 0)
		if len(cpus) > 0 {
			unix.SchedSetaffinity(0, &oldSet)
		}
	}
	if err := NameThread(name); err != nil {
		return restore, err
	}
	return restore, PinThread(cpus)
}

// ThreadID is the calling OS thread's id (gettid).
func ThreadID() int { return unix.Gettid() }
