// Package errno owns zring's error values: one Errno type carrying libzmq's
// errno numbers (the POSIX ones as Linux defines them, the ZeroMQ-specific
// ones as zmq.h defines them from ZMQ_HAUSNUMERO), and OpError, which adds the
// operation and endpoint to a failure. The root package re-exports both; the
// lower layers (sockets, loop) return them so errors.Is works end to end.
package errno

import (
	"fmt"
	"strconv"
	"syscall"
)

// Errno is a libzmq error number. Like syscall.Errno it is a plain integer,
// so returning a pre-made value allocates nothing.
type Errno uintptr

// hausnumero is zmq.h's ZMQ_HAUSNUMERO, the base of ZeroMQ's own numbers.
const hausnumero = 156384712

// POSIX numbers as Linux defines them (what libzmq returns on Linux).
const (
	ENOENT          Errno = 2
	EINTR           Errno = 4
	EFAULT          Errno = 14
	ENODEV          Errno = 19
	EINVAL          Errno = 22
	EAGAIN          Errno = 11
	EMSGSIZE        Errno = 90
	ENOTSOCK        Errno = 88
	EPROTONOSUPPORT Errno = 93
	ENOTSUP         Errno = 95
	EADDRINUSE      Errno = 98
	EADDRNOTAVAIL   Errno = 99
	ENETDOWN        Errno = 100
	ETIMEDOUT       Errno = 110
	ECONNREFUSED    Errno = 111
	EHOSTUNREACH    Errno = 113
	EINPROGRESS     Errno = 115
	ENOBUFS         Errno = 105
	ECANCELED       Errno = 125 // a context-bound call whose context ended (never returned: the root gives the context's error)
)

// ZeroMQ's own numbers (zmq.h).
const (
	EFSM           Errno = hausnumero + 51
	ENOCOMPATPROTO Errno = hausnumero + 52
	ETERM          Errno = hausnumero + 53
	EMTHREAD       Errno = hausnumero + 54
)

var names = map[Errno]string{
	EFSM:           "operation cannot be accomplished in current state",
	ENOCOMPATPROTO: "the protocol is not compatible with the socket type",
	ETERM:          "context was terminated",
	EMTHREAD:       "no thread available",
}

func (e Errno) Error() string {
	if s, ok := names[e]; ok {
		return s
	}
	if e < hausnumero {
		return syscall.Errno(e).Error()
	}
	return "zmq errno " + strconv.Itoa(int(e))
}

// Is lets errors.Is match an Errno against the syscall.Errno of the same
// number, so callers may test for syscall.EAGAIN as well as zring.ErrAgain.
func (e Errno) Is(target error) bool {
	switch t := target.(type) {
	case Errno:
		return e == t
	case syscall.Errno:
		return e < hausnumero && uintptr(e) == uintptr(t)
	}
	return false
}

// Temporary reports whether the operation may succeed if retried.
func (e Errno) Temporary() bool { return e == EAGAIN || e == EINTR }

// Timeout reports whether the error is a time-out (SNDTIMEO/RCVTIMEO).
func (e Errno) Timeout() bool { return e == EAGAIN }

// OpError says which operation on which endpoint failed, and why.
type OpError struct {
	Op       string // "bind", "connect", "unbind", "disconnect", "setsockopt", ...
	Endpoint string // the endpoint, or the option name for setsockopt
	Err      error
}

func (e *OpError) Error() string {
	s := e.Op
	if e.Endpoint != "" {
		s += " " + e.Endpoint
	}
	return s + ": " + e.Err.Error()
}

func (e *OpError) Unwrap() error { return e.Err }

// Wrap returns an OpError, or nil when err is nil.
func Wrap(op, endpoint string, err error) error {
	if err == nil {
		return nil
	}
	return &OpError{Op: op, Endpoint: endpoint, Err: err}
}

// Invalidf is EINVAL with the reason ("invalid argument: missing port"):
// errors.Is still matches it to EINVAL. For set-up calls (Bind, Connect,
// SetOption ...), never for Send and Recv, whose errors are bare Errnos
// that allocate nothing.
func Invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{EINVAL}, args...)...)
}
