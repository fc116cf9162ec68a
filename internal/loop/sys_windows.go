//go:build windows

package loop

import (
	"errors"
	"math"
	"net/netip"
	"os"
	"syscall"

	"github.com/zring/zring/internal/errno"
)

// Windows has no file descriptors the engine could poll, so every handle
// is the conn backend's (conn.go) and the fd-level functions the engine
// calls are conn.go's. What that leaves out on Windows:
//
//   - ipc: endpoints are refused with EPROTONOSUPPORT, as libzmq refuses a
//     transport its platform lacks (ipcSupported; package net's AF_UNIX on
//     Windows is not used);
//   - ZMQ_USE_FD (a SOCKET cannot be adopted into package net): ENOTSUP;
//   - ZMQ_BINDTODEVICE, ZMQ_PRIORITY: ENOTSUP; ZMQ_BACKLOG: the system's
//     (see conn_windows.go);
//   - Peer.Wait: the conn backend's sockets wait behind the loop.

// newPoller: the conn backend is Windows' only one; the others need
// Unix's file descriptors.
func newPoller(cfg *PoolConfig) (poller, error) {
	switch cfg.Backend {
	case "", BackendConn:
		return newConnPoller()
	case BackendNetpoll, BackendEpoll, BackendUring:
		return nil, errno.ENOTSUP
	}
	return nil, errno.EINVAL
}

// sysErr turns a system error into zring's Errno (connSysErrno).
func sysErr(err error) error {
	if e, ok := err.(syscall.Errno); ok {
		if n := connSysErrno(e); n != 0 {
			return n
		}
	}
	return err
}

// errnoOf is the errno number behind err, or 0.
func errnoOf(err error) errno.Errno {
	var e errno.Errno
	if errors.As(sysErr(err), &e) {
		return e
	}
	return 0
}

// isAgain reports the "try later" result of a non-blocking call.
func isAgain(err error) bool { return err == errAgain }

// memoryCeiling: no frame is refused for its size alone here (see the
// Linux one); MAXMSGSIZE still bounds it.
func memoryCeiling() int { return math.MaxInt }

func (l *Loop) listen(a Address, so *SockOpts, useFD int) (int, Address, error) {
	return listenConn(a, so, useFD)
}

// dialer: every dial is connDial's.
type dialer struct{}

func newDialer(bool) dialer { return dialer{} }

func (*dialer) dial(a Address, so *SockOpts) (int, bool, error) { return connDial(a, so) }
func (*dialer) settle(fd int) (bool, error)                     { return connSettle(fd) }
func (*dialer) close()                                          {}

func connectResult(fd int) error                              { return connConnectResult(fd) }
func tuneConn(fd int, a Address, so *SockOpts, accepted bool) { connTune(fd, a, so, accepted) }
func peerAddress(fd int, transport string) string             { return connPeerAddress(fd, transport) }
func peerIP(fd int) (netip.Addr, bool)                        { return connPeerIP(fd) }
func peerCredsAdmitted(int, []int, []int, []int) bool         { return false } // no ipc
func acceptFD(fd int) (int, error)                            { return connAccept(fd) }
func closeFD(fd int)                                          { connClose(fd) }
func readFD(fd int, b []byte) (int, error)                    { return connRead(fd, b) }
func writeFD(fd int, b []byte) (int, error)                   { return connWrite(fd, b) }
func writevFD(fd int, iov []iovec) (int, error)               { return connWritev(fd, iov) }
func waitDup(int) (*os.File, syscall.RawConn, error)          { return nil, nil, errno.ENOTSUP }
func removeIPC(Address)                                       {} // no ipc
func setIovec(v *iovec, b []byte)                             { v.b = b }
func iovBytes(v *iovec) []byte                                { return v.b }

// iovec is one element of a vectored write: here only the conn backend's
// writer ring takes them, a copy at a time.
type iovec struct{ b []byte }
