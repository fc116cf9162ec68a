//go:build !linux

package affinity

import "errors"

// errUnsupported: pinning and naming threads is Linux-only for now, like
// the loops that use it.
var errUnsupported = errors.New("affinity: not supported on this system")

// PinThread is Linux-only; elsewhere pinning to CPUs fails.
func PinThread(cpus []int) error {
	if len(cpus) == 0 {
		return nil
	}
	return errUnsupported
}

// NameThread does nothing where threads cannot be named.
func NameThread(string) error { return nil }

// ClaimThread pins (which fails if cpus is not empty) and cannot name.
func ClaimThread(name string, cpus []int) (restore func(), err error) {
	return func() {}, PinThread(cpus)
}

// ThreadID is 0 where it is not known.
func ThreadID() int { return 0 }
