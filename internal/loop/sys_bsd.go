//go:build unix && !linux

package loop

import (
	"math"

	"github.com/zring/zring/internal/errno"
	"golang.org/x/sys/unix"
)

// memoryCeiling: no frame is refused for its size alone here (see the
// Linux one); MAXMSGSIZE still bounds it.
func memoryCeiling() int { return math.MaxInt }

// reconnectRefused: the BSDs leave a socket whose connect failed unusable
// for another, so each dial makes a new one.
const reconnectRefused = false

// rawAddr: connect goes through x/sys/unix here (see the Linux one).
type rawAddr struct{}

func makeRawAddr(unix.Sockaddr) (rawAddr, bool) { return rawAddr{}, false }

func (*rawAddr) connect(int) error { return errno.ENOTSUP }

// socketFD opens a non-blocking, close-on-exec stream socket. Without
// Linux's SOCK_NONBLOCK and SOCK_CLOEXEC it takes three calls.
func socketFD(family int) (int, error) {
	fd, err := unix.Socket(family, unix.SOCK_STREAM, 0)
	if err != nil {
		return -1, err
	}
	unix.CloseOnExec(fd)
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

// acceptFD accepts one connection, non-blocking and close-on-exec.
func acceptFD(fd int) (int, error) {
	if isConnFD(fd) {
		return connAccept(fd)
	}
	nfd, _, err := unix.Accept(fd)
	if err != nil {
		return -1, err
	}
	unix.CloseOnExec(nfd)
	if err := unix.SetNonblock(nfd, true); err != nil {
		unix.Close(nfd)
		return -1, err
	}
	return nfd, nil
}

// tcpMaxRT, bindToDevice and socketPriority are Linux's; elsewhere setting
// them fails with ENOTSUP rather than being ignored.
func tcpMaxRT(int, int) error        { return errno.ENOTSUP }
func bindToDevice(int, string) error { return errno.ENOTSUP }
func socketPriority(int, int) error  { return errno.ENOTSUP }

// peerCredsAdmitted: ZMQ_IPC_FILTER_* need SO_PEERCRED, which is Linux's
// here; with a filter set, no ipc connection is admitted elsewhere.
func peerCredsAdmitted(int, []int, []int, []int) bool { return false }

// ipcPeerCreds: without SO_PEERCRED an ipc connection's "Peer-Address" is
// not told.
func ipcPeerCreds(int) string { return "" }
