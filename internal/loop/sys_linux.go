package loop

import (
	"math"
	"os/user"
	"slices"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"
)

// memoryCeiling is the machine's RAM and swap: a frame larger than that
// can never be held, and Linux's default overcommit heuristic refuses an
// allocation over it, which is where libzmq, asking malloc for the frame
// as its header arrives, gives up (ENOMEM) and closes the connection.
// math.MaxInt when sysinfo fails.
func memoryCeiling() int {
	var si unix.Sysinfo_t
	if unix.Sysinfo(&si) != nil {
		return math.MaxInt
	}
	total := (uint64(si.Totalram) + uint64(si.Totalswap)) * uint64(si.Unit)
	if total == 0 || total > math.MaxInt {
		return math.MaxInt
	}
	return int(total)
}

// reconnectRefused: Linux lets a TCP socket whose connect was refused
// connect again (the failed connect leaves it unconnected), so a
// connecter keeps it for its next dial (dialer).
const reconnectRefused = true

// rawAddr is a TCP address in the kernel's own form, for connect(2) made
// with RawSyscall.
type rawAddr struct {
	sa  unix.RawSockaddrAny
	len uintptr
}

func makeRawAddr(sa unix.Sockaddr) (r rawAddr, ok bool) {
	port := func(p *uint16, n int) {
		b := (*[2]byte)(unsafe.Pointer(p))
		b[0], b[1] = byte(n>>8), byte(n)
	}
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		p := (*unix.RawSockaddrInet4)(unsafe.Pointer(&r.sa))
		p.Family = unix.AF_INET
		port(&p.Port, sa.Port)
		p.Addr = sa.Addr
		r.len = unix.SizeofSockaddrInet4
	case *unix.SockaddrInet6:
		p := (*unix.RawSockaddrInet6)(unsafe.Pointer(&r.sa))
		p.Family = unix.AF_INET6
		port(&p.Port, sa.Port)
		p.Addr = sa.Addr
		p.Scope_id = sa.ZoneId
		r.len = unix.SizeofSockaddrInet6
	default:
		return r, false
	}
	return r, true
}

// connect is connect(2) made without telling Go's scheduler (RawSyscall):
// a non-blocking TCP connect returns at once. Made as an ordinary system
// call, each connect of the loop woke the runtime's sysmon thread, which
// then polled every 20 µs and handed the loop's P to another thread when a
// burst of redials lasted; 100 sockets redialling a dead port spent more
// of their CPU there than in the kernel's connects (torture's
// churn/reconnect-dead).
func (r *rawAddr) connect(fd int) error {
	_, _, e := unix.RawSyscall(unix.SYS_CONNECT, uintptr(fd), uintptr(unsafe.Pointer(&r.sa)), r.len)
	if e != 0 {
		return e
	}
	return nil
}

// socketFD opens a non-blocking, close-on-exec stream socket.
func socketFD(family int) (int, error) {
	return unix.Socket(family, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
}

// acceptFD accepts one connection, non-blocking and close-on-exec.
func acceptFD(fd int) (int, error) {
	if isConnFD(fd) {
		return connAccept(fd)
	}
	nfd, _, err := unix.Accept4(fd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
	if err != nil {
		return -1, err
	}
	return nfd, nil
}

// tcpKeepIdle is TCP_KEEPIDLE, ZMQ_TCP_KEEPALIVE_IDLE's socket option.
const tcpKeepIdle = unix.TCP_KEEPIDLE

// tcpMaxRT is ZMQ_TCP_MAXRT: TCP_USER_TIMEOUT, as libzmq maps it on Linux.
func tcpMaxRT(fd, ms int) error {
	return sysErr(unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_USER_TIMEOUT, ms))
}

// bindToDevice is ZMQ_BINDTODEVICE: SO_BINDTODEVICE (needs CAP_NET_RAW,
// else EPERM).
func bindToDevice(fd int, dev string) error {
	return sysErr(unix.BindToDevice(fd, dev))
}

// socketPriority is ZMQ_PRIORITY: SO_PRIORITY.
func socketPriority(fd, p int) error {
	return sysErr(unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_PRIORITY, p))
}

// peerCredsAdmitted applies ZMQ_IPC_FILTER_UID, _GID and _PID to an
// accepted ipc connection: its peer's credentials (SO_PEERCRED) must match
// one of them; a group matches through the peer user's supplementary
// groups too, as in libzmq.
func peerCredsAdmitted(fd int, uids, gids, pids []int) bool {
	if isConnFD(fd) {
		return connCredsAdmitted(fd, uids, gids, pids)
	}
	cred, err := unix.GetsockoptUcred(fd, unix.SOL_SOCKET, unix.SO_PEERCRED)
	if err != nil {
		return false
	}
	if slices.Contains(uids, int(cred.Uid)) || slices.Contains(pids, int(cred.Pid)) || slices.Contains(gids, int(cred.Gid)) {
		return true
	}
	if len(gids) == 0 {
		return false
	}
	u, err := user.LookupId(strconv.Itoa(int(cred.Uid)))
	if err != nil {
		return false
	}
	groups, err := u.GroupIds()
	if err != nil {
		return false
	}
	for _, g := range groups {
		if id, err := strconv.Atoi(g); err == nil && slices.Contains(gids, id) {
			return true
		}
	}
	return false
}

// ipcPeerCreds is the part of an ipc "Peer-Address" after the host, as
// libzmq writes it on Linux: ":uid:gid:pid" from SO_PEERCRED.
func ipcPeerCreds(fd int) string {
	cred, err := unix.GetsockoptUcred(fd, unix.SOL_SOCKET, unix.SO_PEERCRED)
	if err != nil {
		return ""
	}
	return ":" + strconv.Itoa(int(cred.Uid)) + ":" + strconv.Itoa(int(cred.Gid)) + ":" + strconv.Itoa(int(cred.Pid))
}
