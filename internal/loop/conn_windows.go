//go:build windows

package loop

import (
	"net"
	"syscall"
	"unsafe"

	"github.com/zring/zring/internal/errno"
	"golang.org/x/sys/windows"
)

// The conn backend's system-dependent parts on Windows. Socket options go
// through syscall.RawConn.Control to setsockopt on the SOCKET, before bind
// or connect as on Unix, the way libzmq 4.3.4 sets them on Windows:
//
//   - ZMQ_SNDBUF, ZMQ_RCVBUF: SO_SNDBUF, SO_RCVBUF.
//   - ZMQ_TOS: IP_TOS (IPV6_TCLASS on IPv6). Windows accepts it and, by
//     its documentation, may ignore it (QoS policies decide); libzmq sets
//     it the same way.
//   - ZMQ_TCP_KEEPALIVE and its _IDLE, _INTVL, _CNT: SO_KEEPALIVE and
//     TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT (Windows 10 1709 and later);
//     where those are refused, idle and interval go by SIO_KEEPALIVE_VALS
//     (libzmq's only way, with its defaults of 2 hours and 1 second for the
//     one not set), and the count is the system's.
//   - ZMQ_TCP_MAXRT: TCP_MAXRTMS, or where that is refused TCP_MAXRT in
//     whole seconds, rounded up (libzmq truncates).
//   - A listener is bound with SO_EXCLUSIVEADDRUSE, as libzmq binds it.
//   - ZMQ_BINDTODEVICE and ZMQ_PRIORITY have no Windows counterpart:
//     setting them fails the bind or connect with ENOTSUP, as on the BSDs.
//   - ZMQ_BACKLOG is not applied: package net listens with SOMAXCONN, and
//     Windows keeps a listening socket's first backlog.

// ipcSupported: ipc endpoints are refused with EPROTONOSUPPORT, as libzmq
// refuses a transport its platform lacks.
const ipcSupported = false

// errAgain is the "try later" of the conn backend's calls.
const errAgain = errno.EAGAIN

// Windows' numbers for options x/sys/windows does not name (ws2def.h,
// ws2ipdef.h).
const (
	soExclusiveAddrUse = ^windows.SO_REUSEADDR // (int)(~SO_REUSEADDR)
	ipv6TClass         = 39                    // IPV6_TCLASS
)

func connSockOpts(rc syscall.RawConn, transport string, v6 bool, so *SockOpts, conn bool) error {
	var err error
	if cerr := rc.Control(func(h uintptr) { err = applySockOpts(windows.Handle(h), transport, v6, so, conn) }); cerr != nil {
		return connErr(cerr)
	}
	return err
}

// applySockOpts sets the options of so that apply to the transport, as
// the Unix one does (conn false: a listener's).
func applySockOpts(h windows.Handle, transport string, v6 bool, so *SockOpts, conn bool) error {
	set := func(level, opt, v int) error {
		if err := windows.SetsockoptInt(h, level, opt, v); err != nil {
			return sysErr(err)
		}
		return nil
	}
	var errs []error
	if !conn && transport == "tcp" {
		errs = append(errs, set(windows.SOL_SOCKET, soExclusiveAddrUse, 1))
	}
	if so.SndBuf >= 0 {
		errs = append(errs, set(windows.SOL_SOCKET, windows.SO_SNDBUF, so.SndBuf))
	}
	if so.RcvBuf >= 0 {
		errs = append(errs, set(windows.SOL_SOCKET, windows.SO_RCVBUF, so.RcvBuf))
	}
	if transport == "tcp" {
		if so.TOS > 0 {
			if v6 {
				errs = append(errs, set(windows.IPPROTO_IPV6, ipv6TClass, so.TOS))
			} else {
				errs = append(errs, set(windows.IPPROTO_IP, windows.IP_TOS, so.TOS))
			}
		}
		if so.BindToDevice != "" {
			errs = append(errs, errno.ENOTSUP)
		}
		if conn {
			errs = append(errs, tcpKeepAlive(h, so))
			if so.MaxRT > 0 {
				errs = append(errs, tcpMaxRT(h, so.MaxRT))
			}
		}
	}
	if so.Priority > 0 {
		errs = append(errs, errno.ENOTSUP)
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// tcpKeepAlive applies ZMQ_TCP_KEEPALIVE and, when it is on, its _CNT,
// _IDLE and _INTVL (seconds).
func tcpKeepAlive(h windows.Handle, so *SockOpts) error {
	if so.KeepAlive < 0 {
		return nil
	}
	if err := windows.SetsockoptInt(h, windows.SOL_SOCKET, windows.SO_KEEPALIVE, so.KeepAlive); err != nil {
		return sysErr(err)
	}
	if so.KeepAlive == 0 {
		return nil
	}
	if so.KeepAliveCnt > 0 {
		windows.SetsockoptInt(h, windows.IPPROTO_TCP, windows.TCP_KEEPCNT, so.KeepAliveCnt)
	}
	var failed bool
	if so.KeepAliveIdle > 0 {
		failed = windows.SetsockoptInt(h, windows.IPPROTO_TCP, windows.TCP_KEEPIDLE, so.KeepAliveIdle) != nil
	}
	if so.KeepAliveIntvl > 0 && !failed {
		failed = windows.SetsockoptInt(h, windows.IPPROTO_TCP, windows.TCP_KEEPINTVL, so.KeepAliveIntvl) != nil
	}
	if !failed {
		return nil
	}
	ka := windows.TCPKeepalive{OnOff: 1, Time: 7200000, Interval: 1000}
	if so.KeepAliveIdle > 0 {
		ka.Time = uint32(so.KeepAliveIdle) * 1000
	}
	if so.KeepAliveIntvl > 0 {
		ka.Interval = uint32(so.KeepAliveIntvl) * 1000
	}
	var ret uint32
	err := windows.WSAIoctl(h, windows.SIO_KEEPALIVE_VALS, (*byte)(unsafe.Pointer(&ka)), uint32(unsafe.Sizeof(ka)), nil, 0, &ret, nil, 0)
	return sysErr(err)
}

// tcpMaxRT is ZMQ_TCP_MAXRT.
func tcpMaxRT(h windows.Handle, ms int) error {
	if windows.SetsockoptInt(h, windows.IPPROTO_TCP, windows.TCP_MAXRTMS, ms) == nil {
		return nil
	}
	return sysErr(windows.SetsockoptInt(h, windows.IPPROTO_TCP, windows.TCP_MAXRT, (ms+999)/1000))
}

// connBacklog: Windows keeps a listening socket's first backlog, which
// package net made SOMAXCONN; ZMQ_BACKLOG is not applied.
func connBacklog(net.Listener, int) {}

// connAdopt: ZMQ_USE_FD. Package net cannot take a SOCKET on Windows
// (net.FileListener is not implemented there).
func connAdopt(int, Address) (net.Listener, error) { return nil, errno.ENOTSUP }

// connPeerCreds: there is no ipc on Windows.
func connPeerCreds(net.Conn) string { return "" }

// connSysErrno maps Windows' error numbers (Winsock's, and the system
// errors overlapped I/O reports) to errno's (winsockErrno).
func connSysErrno(e syscall.Errno) errno.Errno { return winsockErrno(uintptr(e)) }
