package zring

import "github.com/zring/zring/internal/errno"

// Errno is a libzmq error number; errors.Is matches it against the
// syscall.Errno of the same number.
type Errno = errno.Errno

// OpError says which operation on which endpoint failed; Unwrap gives the
// Errno.
type OpError = errno.OpError

// The errors zring returns, by their libzmq names.
const (
	ErrAgain            = errno.EAGAIN          // EAGAIN: would block, or SNDTIMEO/RCVTIMEO expired
	ErrInvalid          = errno.EINVAL          // EINVAL: bad option, value or endpoint
	ErrFSM              = errno.EFSM            // EFSM: not allowed in the socket's current state
	ErrTerm             = errno.ETERM           // ETERM: the context was terminated
	ErrHostUnreachable  = errno.EHOSTUNREACH    // EHOSTUNREACH: message not routable
	ErrNotSupported     = errno.ENOTSUP         // ENOTSUP: operation not supported by the socket type
	ErrProtoNotSupport  = errno.EPROTONOSUPPORT // EPROTONOSUPPORT: transport not supported
	ErrAddrInUse        = errno.EADDRINUSE      // EADDRINUSE
	ErrAddrNotAvailable = errno.EADDRNOTAVAIL   // EADDRNOTAVAIL
	ErrNoEntry          = errno.ENOENT          // ENOENT: endpoint not bound/connected
	ErrNotSocket        = errno.ENOTSOCK        // ENOTSOCK: the socket is closed
	ErrMThread          = errno.EMTHREAD        // EMTHREAD: no I/O thread available
	ErrNoCompatProto    = errno.ENOCOMPATPROTO  // ENOCOMPATPROTO: protocol not compatible with the socket type
	ErrFault            = errno.EFAULT          // EFAULT: a required socket is missing (Proxy)
)
