package loop

import "github.com/zring/zring/internal/errno"

// winsockErrno maps an error number of Windows (a Winsock WSAE* code, or
// one of the system errors that overlapped socket I/O reports) to the
// errno number package errno carries (Linux's, as libzmq's own
// wsa_error_to_errno maps them to POSIX names); 0 for one it does not
// know. It is the conn backend's on Windows (connSysErrno), kept in a
// portable file so that its table is tested everywhere.
func winsockErrno(code uintptr) errno.Errno {
	if e, ok := winsockErrnos[code]; ok {
		return e
	}
	return 0
}

var winsockErrnos = map[uintptr]errno.Errno{
	10004: errno.EINTR,           // WSAEINTR
	10009: errBadFD,              // WSAEBADF
	10013: 13,                    // WSAEACCES: EACCES
	10014: errno.EFAULT,          // WSAEFAULT
	10022: errno.EINVAL,          // WSAEINVAL
	10024: errEMFILE,             // WSAEMFILE
	10035: errno.EAGAIN,          // WSAEWOULDBLOCK
	10036: errno.EINPROGRESS,     // WSAEINPROGRESS
	10037: 114,                   // WSAEALREADY: EALREADY
	10038: errno.ENOTSOCK,        // WSAENOTSOCK
	10040: errno.EMSGSIZE,        // WSAEMSGSIZE
	10042: 92,                    // WSAENOPROTOOPT: ENOPROTOOPT
	10043: errno.EPROTONOSUPPORT, // WSAEPROTONOSUPPORT
	10045: errno.ENOTSUP,         // WSAEOPNOTSUPP
	10047: 97,                    // WSAEAFNOSUPPORT: EAFNOSUPPORT
	10048: errno.EADDRINUSE,      // WSAEADDRINUSE
	10049: errno.EADDRNOTAVAIL,   // WSAEADDRNOTAVAIL
	10050: errno.ENETDOWN,        // WSAENETDOWN
	10051: 101,                   // WSAENETUNREACH: ENETUNREACH
	10052: 102,                   // WSAENETRESET: ENETRESET
	10053: 103,                   // WSAECONNABORTED: ECONNABORTED
	10054: 104,                   // WSAECONNRESET: ECONNRESET
	10055: errno.ENOBUFS,         // WSAENOBUFS
	10056: 106,                   // WSAEISCONN: EISCONN
	10057: 107,                   // WSAENOTCONN: ENOTCONN
	10058: 108,                   // WSAESHUTDOWN: ESHUTDOWN
	10060: errno.ETIMEDOUT,       // WSAETIMEDOUT
	10061: errno.ECONNREFUSED,    // WSAECONNREFUSED
	10064: 112,                   // WSAEHOSTDOWN: EHOSTDOWN
	10065: errno.EHOSTUNREACH,    // WSAEHOSTUNREACH
	4:     errEMFILE,             // ERROR_TOO_MANY_OPEN_FILES
	64:    104,                   // ERROR_NETNAME_DELETED (a reset under overlapped I/O): ECONNRESET
	109:   32,                    // ERROR_BROKEN_PIPE: EPIPE
	121:   errno.ETIMEDOUT,       // ERROR_SEM_TIMEOUT
	1225:  errno.ECONNREFUSED,    // ERROR_CONNECTION_REFUSED
	1231:  101,                   // ERROR_NETWORK_UNREACHABLE: ENETUNREACH
	1232:  errno.EHOSTUNREACH,    // ERROR_HOST_UNREACHABLE
	1236:  103,                   // ERROR_CONNECTION_ABORTED: ECONNABORTED
}
