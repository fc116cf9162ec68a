//go:build unix

package loop

import (
	"net"
	"os"
	"syscall"
	"unsafe"

	"github.com/zring/zring/internal/errno"
	"golang.org/x/sys/unix"
)

// The conn backend's system-dependent parts on Unix, where it is a choice
// (BackendConn) beside the fd backends: every socket option goes through
// syscall.RawConn.Control to the fd backends' own code (applySockOpts and
// the rest), so the options behave on it exactly as they do there.

// ipcSupported: Unix has ipc (AF_UNIX), Linux's abstract names included.
const ipcSupported = true

// errAgain is the "try later" of a non-blocking call, as isAgain knows it.
const errAgain = unix.EAGAIN

// connSockOpts applies so to the socket under rc, as applySockOpts does
// to a socket of the fd backends (conn: a connection's options too, not
// only a listener's).
func connSockOpts(rc syscall.RawConn, transport string, v6 bool, so *SockOpts, conn bool) error {
	family := unix.AF_INET
	switch {
	case transport == "ipc":
		family = unix.AF_UNIX
	case v6:
		family = unix.AF_INET6
	}
	var err error
	if cerr := rc.Control(func(fd uintptr) { err = applySockOpts(int(fd), transport, family, so, conn) }); cerr != nil {
		return connErr(cerr)
	}
	return err
}

// connBacklog gives a listener ZMQ_BACKLOG, which package net does not
// take (it uses the system's maximum): listen(2) on a listening socket
// sets a new backlog on Linux and the BSDs.
func connBacklog(ln net.Listener, backlog int) {
	if sc, ok := ln.(syscall.Conn); ok {
		if rc, err := sc.SyscallConn(); err == nil {
			rc.Control(func(fd uintptr) { unix.Listen(int(fd), backlog) })
		}
	}
}

// connAdopt takes ZMQ_USE_FD's listening socket into package net, after
// adoptListener's checks. net.FileListener works on a dup: the socket
// given is closed at once, as the fd backends close it with the listener.
func connAdopt(fd int, a Address) (net.Listener, error) {
	if _, _, err := adoptListener(fd, a); err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), "zring-use-fd")
	ln, err := net.FileListener(f)
	f.Close()
	if err != nil {
		return nil, connErr(err)
	}
	return ln, nil
}

// connRaw runs fn on the fd under a stream handle's connection; false if
// there is none.
func connRaw(fd int, fn func(int)) bool {
	sc, ok := connOf(fd).(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	return rc.Control(func(s uintptr) { fn(int(s)) }) == nil
}

// connPeerCreds is the credentials part of an ipc "Peer-Address"
// (ipcPeerCreds).
func connPeerCreds(c net.Conn) string {
	var creds string
	if sc, ok := c.(syscall.Conn); ok {
		if rc, err := sc.SyscallConn(); err == nil {
			rc.Control(func(fd uintptr) { creds = ipcPeerCreds(int(fd)) })
		}
	}
	return creds
}

// connCredsAdmitted is peerCredsAdmitted for a stream handle.
func connCredsAdmitted(fd int, uids, gids, pids []int) bool {
	ok := false
	connRaw(fd, func(s int) { ok = peerCredsAdmitted(s, uids, gids, pids) })
	return ok
}

// connSysErrno: Unix's numbers are errno's (Linux's; the BSDs share the
// common ones).
func connSysErrno(e syscall.Errno) errno.Errno { return errno.Errno(e) }

// iovBytes is the memory an iovec points at.
func iovBytes(v *iovec) []byte { return unsafe.Slice(v.Base, v.Len) }
