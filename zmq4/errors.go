package zmq4

import (
	"errors"
	"syscall"

	"github.com/zring/zring"
)

// Errno is a libzmq error number, as zring.Errno carries it: the POSIX
// numbers as Linux defines them, ZeroMQ's own from ZMQ_HAUSNUMERO. Every
// error of a failed ZeroMQ call comes back as a bare Errno, so comparisons
// such as err == zmq4.ETERM or zmq4.AsErrno(err) == zmq4.Errno(syscall.EAGAIN)
// hold; errors.Is matches it against the syscall.Errno and the zring error
// of the same number too.
type Errno uintptr

// The errors with names. The POSIX ones are Linux's numbers, which zring
// uses on every system (what libzmq returns on Linux).
const (
	EADDRINUSE      = Errno(zring.ErrAddrInUse)
	EADDRNOTAVAIL   = Errno(zring.ErrAddrNotAvailable)
	EAFNOSUPPORT    = Errno(97)
	ECONNABORTED    = Errno(103)
	ECONNREFUSED    = Errno(111)
	ECONNRESET      = Errno(104)
	EHOSTUNREACH    = Errno(zring.ErrHostUnreachable)
	EINPROGRESS     = Errno(115)
	EMSGSIZE        = Errno(90)
	ENETDOWN        = Errno(100)
	ENETRESET       = Errno(102)
	ENETUNREACH     = Errno(101)
	ENOBUFS         = Errno(105)
	ENOTCONN        = Errno(107)
	ENOTSOCK        = Errno(zring.ErrNotSocket)
	ENOTSUP         = Errno(zring.ErrNotSupported)
	EPROTONOSUPPORT = Errno(zring.ErrProtoNotSupport)
	ETIMEDOUT       = Errno(110)

	// ZeroMQ's own.
	EFSM           = Errno(zring.ErrFSM)
	EMTHREAD       = Errno(zring.ErrMThread)
	ENOCOMPATPROTO = Errno(zring.ErrNoCompatProto)
	ETERM          = Errno(zring.ErrTerm)
)

// Numbers without a name in pebbe/zmq4's list that this package returns;
// callers spell them zmq4.Errno(syscall.EAGAIN) and the like.
const (
	eagain = Errno(zring.ErrAgain)
	einval = Errno(zring.ErrInvalid)
	emfile = Errno(24) // EMFILE: ZMQ_MAX_SOCKETS reached, as zmq_socket says
)

// Errors of this package's own, not libzmq's; pebbe/zmq4 has the same.
var (
	ErrorContextClosed         = errors.New("Context is closed")
	ErrorSocketClosed          = errors.New("Socket is closed")
	ErrorMoreExpected          = errors.New("More expected")
	ErrorNotImplemented405     = errors.New("Not implemented, requires 0MQ version 4.0.5")
	ErrorNotImplemented41      = errors.New("Not implemented, requires 0MQ version 4.1")
	ErrorNotImplemented42      = errors.New("Not implemented, requires 0MQ version 4.2")
	ErrorNotImplementedWindows = errors.New("Not implemented on Windows")
	ErrorNoSocket              = errors.New("No such socket")
)

// zmqMessages are zmq_strerror's texts for ZeroMQ's own numbers, as libzmq
// 4.3.4 gives them; the POSIX numbers read as syscall.Errno does.
var zmqMessages = map[Errno]string{
	EFSM:           "Operation cannot be accomplished in current state",
	ENOCOMPATPROTO: "The protocol is not compatible with the socket type",
	ETERM:          "Context was terminated",
	EMTHREAD:       "No thread available",
}

// Error is the error's text: zmq_strerror's for ZeroMQ's numbers, and for
// the others zring.Errno's (the system's text, on Linux).
func (errno Errno) Error() string {
	if s, ok := zmqMessages[errno]; ok {
		return s
	}
	return zring.Errno(errno).Error()
}

// Is lets errors.Is match an Errno against an Errno, a zring.Errno or a
// syscall.Errno of the same number (pebbe/zmq4's Errno matches only
// itself).
func (errno Errno) Is(target error) bool {
	if t, ok := target.(Errno); ok {
		return errno == t
	}
	return zring.Errno(errno).Is(target)
}

// AsErrno returns the Errno err is or wraps (a zring.Errno or a
// syscall.Errno counts as its number), and 0 for any other error or nil.
//
//	switch zmq4.AsErrno(err) {
//	case zmq4.Errno(syscall.EINTR): ...
//	case zmq4.ETERM: ...
//	}
func AsErrno(err error) Errno {
	switch e := err.(type) {
	case nil:
		return 0
	case Errno:
		return e
	case zring.Errno:
		return Errno(e)
	case syscall.Errno:
		return Errno(e)
	}
	var ze zring.Errno
	if errors.As(err, &ze) {
		return Errno(ze)
	}
	var own Errno
	if errors.As(err, &own) {
		return own
	}
	var se syscall.Errno
	if errors.As(err, &se) {
		return Errno(se)
	}
	return 0
}

// Error returns the text of error number e, as zmq_strerror does.
func Error(e int) string { return Errno(e).Error() }

// bare turns an error of the root package into what pebbe/zmq4 returns for
// the same failure: the bare Errno (zring wraps some in an *OpError naming
// the endpoint or option; pebbe's libzmq says only the number). Errors
// without a number pass unchanged. A nil error stays nil.
func bare(err error) error {
	if err == nil {
		return nil
	}
	if e := AsErrno(err); e != 0 {
		return e
	}
	return err
}
