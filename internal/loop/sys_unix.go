//go:build unix

package loop

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"unsafe"

	"github.com/zring/zring/internal/errno"
	"golang.org/x/sys/unix"
)

// sysErr turns a unix error into zring's Errno (the numbers are the same on
// Linux).
func sysErr(err error) error {
	if e, ok := err.(unix.Errno); ok {
		return errno.Errno(e)
	}
	return err
}

func sockaddr(a Address) (family int, sa unix.Sockaddr) {
	if a.Transport == "ipc" {
		return unix.AF_UNIX, &unix.SockaddrUnix{Name: a.Path}
	}
	ip := a.TCP.Addr()
	if ip.Is4() {
		return unix.AF_INET, &unix.SockaddrInet4{Port: int(a.TCP.Port()), Addr: ip.As4()}
	}
	return unix.AF_INET6, &unix.SockaddrInet6{Port: int(a.TCP.Port()), Addr: ip.As16()}
}

// listen opens a listening handle of the loop's backend for a, and returns
// it with the address it really bound (the port chosen for port 0).
func (l *Loop) listen(a Address, so *SockOpts, useFD int) (int, Address, error) {
	if l.conns {
		return listenConn(a, so, useFD)
	}
	return listenFD(a, so, useFD)
}

// listenFD opens a non-blocking listening socket and returns it with the
// address it really bound (the port chosen for port 0).
func listenFD(a Address, so *SockOpts, useFD int) (int, Address, error) {
	if useFD > 0 { // "a positive integer value"
		return adoptListener(useFD, a)
	}
	family, sa := sockaddr(a)
	if a.Transport == "ipc" && len(a.Path) > 0 && a.Path[0] != '@' {
		os.Remove(a.Path) // libzmq unlinks a stale socket file before binding
	}
	fd, err := socketFD(family)
	if err != nil {
		return -1, a, sysErr(err)
	}
	if a.Transport == "tcp" {
		unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
		if family == unix.AF_INET6 {
			// Dual-stack: "*" with ZMQ_IPV6 takes IPv4 clients too.
			unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, 0)
		}
	}
	// Buffers set on the listener are inherited by what it accepts, and
	// must be set before listen(2) for TCP's window scale to follow.
	if err := applySockOpts(fd, a.Transport, family, so, false); err != nil {
		unix.Close(fd)
		return -1, a, err
	}
	if err := unix.Bind(fd, sa); err != nil {
		unix.Close(fd)
		return -1, a, sysErr(err)
	}
	if err := unix.Listen(fd, so.Backlog); err != nil {
		unix.Close(fd)
		return -1, a, sysErr(err)
	}
	if a.Transport == "tcp" {
		if got, err := unix.Getsockname(fd); err == nil {
			switch s := got.(type) {
			case *unix.SockaddrInet4:
				a.TCP = netip.AddrPortFrom(a.TCP.Addr(), uint16(s.Port))
			case *unix.SockaddrInet6:
				a.TCP = netip.AddrPortFrom(a.TCP.Addr(), uint16(s.Port))
			}
		}
	}
	return fd, a, nil
}

// adoptListener takes a socket the caller bound and made listen
// (ZMQ_USE_FD): it must be of the endpoint's transport. The bound address
// is the socket's own (a tcp port of 0 in the endpoint gets its real one).
func adoptListener(fd int, a Address) (int, Address, error) {
	got, err := unix.Getsockname(fd)
	if err != nil {
		return -1, a, sysErr(err)
	}
	switch s := got.(type) {
	case *unix.SockaddrInet4:
		if a.Transport != "tcp" {
			return -1, a, errno.EINVAL
		}
		a.TCP = netip.AddrPortFrom(netip.AddrFrom4(s.Addr), uint16(s.Port))
	case *unix.SockaddrInet6:
		if a.Transport != "tcp" {
			return -1, a, errno.EINVAL
		}
		a.TCP = netip.AddrPortFrom(netip.AddrFrom16(s.Addr).Unmap(), uint16(s.Port))
	case *unix.SockaddrUnix:
		if a.Transport != "ipc" {
			return -1, a, errno.EINVAL
		}
	default:
		return -1, a, errno.EINVAL
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		return -1, a, sysErr(err)
	}
	unix.CloseOnExec(fd)
	return fd, a, nil
}

// peerAddress is the "Peer-Address" of a connected fd, as libzmq 4.3.4
// writes it: a tcp peer's IP address without its port ("127.0.0.1",
// "::1"); for ipc, where libzmq takes the host from getnameinfo
// ("localhost") and appends the peer's credentials, ":uid:gid:pid" on
// Linux (ipcPeerCreds). "" when it cannot be told.
func peerAddress(fd int, transport string) string {
	if isConnFD(fd) {
		return connPeerAddress(fd, transport)
	}
	sa, err := unix.Getpeername(fd)
	if err != nil {
		return ""
	}
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrFrom4(a.Addr).String()
	case *unix.SockaddrInet6:
		return netip.AddrFrom16(a.Addr).String()
	}
	if transport == "ipc" {
		if creds := ipcPeerCreds(fd); creds != "" {
			return "localhost" + creds
		}
	}
	return ""
}

// peerIP is the source address of an accepted tcp connection.
func peerIP(fd int) (netip.Addr, bool) {
	if isConnFD(fd) {
		return connPeerIP(fd)
	}
	sa, err := unix.Getpeername(fd)
	if err != nil {
		return netip.Addr{}, false
	}
	switch s := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrFrom4(s.Addr), true
	case *unix.SockaddrInet6:
		return netip.AddrFrom16(s.Addr).Unmap(), true
	}
	return netip.Addr{}, false
}

// dialer opens one connecter's connections to its address. A TCP socket
// whose connect was refused at once (the usual answer from a dead port on
// this machine) is kept as the spare and connected again at the next
// dial, where Linux allows it: a refused attempt then costs two connect
// calls where it cost five (socket, connect, poll, SO_ERROR, close). And
// on Linux connect is made as a raw system call (rawAddr.connect). On a
// loop of the conn backend (conns) it dials with connDial instead.
// Loop goroutine only.
type dialer struct {
	conns  bool
	family int
	sa     unix.Sockaddr // made on the first dial
	raw    rawAddr       // sa in the kernel's form, when rawOK
	rawOK  bool
	spare  int // the kept socket, or -1
}

// newDialer makes a connecter's dialer for a loop of the conn backend
// (conns) or of an fd backend.
func newDialer(conns bool) dialer { return dialer{conns: conns, spare: -1} }

// dial starts a non-blocking connect to a, on the spare socket if there is
// one, else on a new one with so's options.
func (d *dialer) dial(a Address, so *SockOpts) (fd int, inProgress bool, err error) {
	if d.conns {
		return connDial(a, so)
	}
	if d.sa == nil {
		d.family, d.sa = sockaddr(a)
		d.raw, d.rawOK = makeRawAddr(d.sa)
	}
	if fd = d.spare; fd >= 0 {
		d.spare = -1
		inProgress, err = d.start(fd)
		if err == nil {
			return fd, inProgress, nil
		}
		if d.keep(fd, err) {
			return -1, false, err
		}
		// Anything but a refusal (the socket was not left unconnected as
		// expected): start afresh.
		closeFD(fd)
	}
	if fd, err = socketFD(d.family); err != nil {
		return -1, false, sysErr(err)
	}
	if err := applySockOpts(fd, a.Transport, d.family, so, true); err != nil {
		closeFD(fd)
		return -1, false, err
	}
	if inProgress, err = d.start(fd); err != nil {
		d.refused(fd, err)
		return -1, false, err
	}
	return fd, inProgress, nil
}

// start begins a non-blocking connect of fd.
func (d *dialer) start(fd int) (inProgress bool, err error) {
	switch err := d.connect(fd); err {
	case nil:
		return false, nil
	case unix.EINPROGRESS, unix.EAGAIN:
		return true, nil
	default:
		return false, sysErr(err)
	}
}

func (d *dialer) connect(fd int) error {
	if d.rawOK {
		return d.raw.connect(fd)
	}
	return unix.Connect(fd, d.sa)
}

// settle asks a connect in progress on fd for its outcome without waiting,
// with a second connect call (one call where poll and SO_ERROR take two):
// done is false while the peer has not answered, else err is the
// connect's result, nil when connected. A refused fd is kept as the spare
// or closed (refused).
func (d *dialer) settle(fd int) (done bool, err error) {
	if d.conns {
		return connSettle(fd)
	}
	switch err := d.connect(fd); err {
	case nil, unix.EISCONN:
		return true, nil
	case unix.EALREADY, unix.EINPROGRESS, unix.EAGAIN:
		return false, nil
	default:
		err := sysErr(err)
		d.refused(fd, err)
		return true, err
	}
}

// refused disposes of fd, whose connect failed with err: kept as the spare
// if it can be connected again, else closed.
func (d *dialer) refused(fd int, err error) {
	if !d.keep(fd, err) {
		closeFD(fd)
	}
}

// keep keeps fd as the spare if its connect was refused and this kernel
// lets a TCP socket connect again after that (the failed connect leaves it
// unconnected and unbound from its port).
func (d *dialer) keep(fd int, err error) bool {
	if !reconnectRefused || d.spare >= 0 || !errors.Is(err, errno.ECONNREFUSED) {
		return false
	}
	if _, ok := d.sa.(*unix.SockaddrUnix); ok {
		return false
	}
	d.spare = fd
	return true
}

// close closes the spare.
func (d *dialer) close() {
	if d.spare >= 0 {
		closeFD(d.spare)
		d.spare = -1
	}
}

// connectResult reads the outcome of a non-blocking connect.
func connectResult(fd int) error {
	if isConnFD(fd) {
		return connConnectResult(fd)
	}
	v, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return sysErr(err)
	}
	if v != 0 {
		return errno.Errno(v)
	}
	return nil
}

// tuneConn applies per-connection socket options: TCP_NODELAY as libzmq
// always sets it, and for an accepted connection the options the listener
// does not pass on (TOS, priority, keepalive, TCP_USER_TIMEOUT).
func tuneConn(fd int, a Address, so *SockOpts, accepted bool) {
	if isConnFD(fd) {
		connTune(fd, a, so, accepted)
		return
	}
	if a.Transport == "tcp" {
		unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	}
	if accepted {
		family, _ := sockaddr(a)
		applySockOpts(fd, a.Transport, family, so, true)
	}
}

// applySockOpts sets the options of so that apply to the transport. conn
// is false for a listener, which takes only what its connections inherit
// or what binding needs. A value the kernel refuses fails the bind or
// connect, as in libzmq.
func applySockOpts(fd int, transport string, family int, so *SockOpts, conn bool) error {
	set := func(level, opt, v int) error {
		if err := unix.SetsockoptInt(fd, level, opt, v); err != nil {
			return sysErr(err)
		}
		return nil
	}
	var errs []error
	if so.SndBuf >= 0 {
		errs = append(errs, set(unix.SOL_SOCKET, unix.SO_SNDBUF, so.SndBuf))
	}
	if so.RcvBuf >= 0 {
		errs = append(errs, set(unix.SOL_SOCKET, unix.SO_RCVBUF, so.RcvBuf))
	}
	if transport == "tcp" {
		if so.TOS > 0 {
			if family == unix.AF_INET6 {
				errs = append(errs, set(unix.IPPROTO_IPV6, unix.IPV6_TCLASS, so.TOS))
			} else {
				errs = append(errs, set(unix.IPPROTO_IP, unix.IP_TOS, so.TOS))
			}
		}
		if so.BindToDevice != "" {
			errs = append(errs, bindToDevice(fd, so.BindToDevice))
		}
		if conn {
			errs = append(errs, tcpKeepAlive(fd, so))
			if so.MaxRT > 0 {
				errs = append(errs, tcpMaxRT(fd, so.MaxRT))
			}
		}
	}
	if so.Priority > 0 {
		errs = append(errs, socketPriority(fd, so.Priority))
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// tcpKeepAlive applies ZMQ_TCP_KEEPALIVE and, when it is on, its _CNT,
// _IDLE and _INTVL.
func tcpKeepAlive(fd int, so *SockOpts) error {
	if so.KeepAlive < 0 {
		return nil
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_KEEPALIVE, so.KeepAlive); err != nil {
		return sysErr(err)
	}
	if so.KeepAlive == 0 {
		return nil
	}
	for _, o := range []struct{ opt, v int }{
		{unix.TCP_KEEPCNT, so.KeepAliveCnt},
		{tcpKeepIdle, so.KeepAliveIdle},
		{unix.TCP_KEEPINTVL, so.KeepAliveIntvl},
	} {
		if o.v > 0 {
			if err := unix.SetsockoptInt(fd, unix.IPPROTO_TCP, o.opt, o.v); err != nil {
				return sysErr(err)
			}
		}
	}
	return nil
}

func closeFD(fd int) {
	if isConnFD(fd) {
		connClose(fd)
		return
	}
	unix.Close(fd)
}

func removeIPC(a Address) {
	if a.Transport == "ipc" && len(a.Path) > 0 && a.Path[0] != '@' {
		os.Remove(a.Path)
		if dir := filepath.Dir(a.Path); strings.HasPrefix(filepath.Base(dir), ipcTempPrefix) {
			os.Remove(dir) // made for "ipc://*" by ResolveBind
		}
	}
}

// errnoOf is the errno number behind err, or 0.
func errnoOf(err error) errno.Errno {
	switch e := err.(type) {
	case unix.Errno:
		return errno.Errno(e)
	case errno.Errno:
		return e
	}
	return 0
}

// isAgain reports the "try later" result of a non-blocking call.
func isAgain(err error) bool { return err == unix.EAGAIN || err == unix.EINTR }

// readFD reads what the kernel (or a conn handle's reader) has, up to
// len(b): 0 and nil at the stream's end, EAGAIN when nothing is there.
func readFD(fd int, b []byte) (int, error) {
	if isConnFD(fd) {
		return connRead(fd, b)
	}
	return unix.Read(fd, b)
}

// writeFD writes b, or as much of it as the kernel takes; 0 on error.
func writeFD(fd int, b []byte) (int, error) {
	if isConnFD(fd) {
		return connWrite(fd, b)
	}
	n, err := unix.Write(fd, b)
	if err != nil {
		return 0, err
	}
	return n, nil
}

// iovec is one element of a vectored write.
type iovec = unix.Iovec

func setIovec(v *iovec, b []byte) {
	v.Base = &b[0]
	v.SetLen(len(b))
}

// writevFD writes the iovecs in one system call.
func writevFD(fd int, iov []iovec) (int, error) {
	if len(iov) == 0 {
		return 0, nil
	}
	if isConnFD(fd) {
		return connWritev(fd, iov)
	}
	n, _, e := unix.Syscall(unix.SYS_WRITEV, uintptr(fd), uintptr(unsafe.Pointer(&iov[0])), uintptr(len(iov)))
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// waitDup is the dup of a connection's fd that a socket waits on in Go's
// netpoller (Peer.Wait). A conn backend handle has none: the socket waits
// behind the loop instead.
func waitDup(fd int) (*os.File, syscall.RawConn, error) {
	if isConnFD(fd) {
		return nil, nil, errno.ENOTSUP
	}
	return netpollDup(fd, "zring-wait")
}
