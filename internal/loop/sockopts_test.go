//go:build linux

package loop

import (
	"errors"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/zring/zring/internal/errno"
	"golang.org/x/sys/unix"
)

// fdHost records the fds of accepted and connected connections, the
// errors of CLOSED events, and how many connections finished their
// handshake.
type fdHost struct {
	mu       sync.Mutex
	accepted []int
	dialed   []int
	closed   []error
	attached int
}

func (h *fdHost) Attach(*Peer) {
	h.mu.Lock()
	h.attached++
	h.mu.Unlock()
}
func (h *fdHost) Detach(*Peer) {}
func (h *fdHost) Event(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch e.Kind {
	case EventAccepted:
		h.accepted = append(h.accepted, int(e.Value))
	case EventConnected:
		h.dialed = append(h.dialed, int(e.Value))
	case EventClosed:
		h.closed = append(h.closed, e.Err)
	}
}

func (h *fdHost) wait(t *testing.T, f func() bool) {
	t.Helper()
	for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(time.Millisecond) {
		h.mu.Lock()
		ok := f()
		h.mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
	}
}

func testConfig() Config {
	return Config{SocketType: "PAIR", MaxMsgSize: -1, SndHWM: 10, RcvHWM: 10, ReconnectIvl: 100,
		InBatchSize: 8192, OutBatchSize: 8192, Sock: DefaultSockOpts()}
}

// withSocket runs fn on the socket under fd: fd itself, or a conn
// backend handle's connection.
func withSocket(t *testing.T, fd int, fn func(fd int)) {
	t.Helper()
	if !isConnFD(fd) {
		fn(fd)
	} else if !connRaw(fd, fn) {
		t.Fatalf("handle %d has no connection", fd)
	}
}

// TestSockOpts: the options of zmq_setsockopt(3) that go to the kernel's
// socket reach both ends of a connection: the one zring accepts and the one
// it dials; on the fd backends and on the conn backend (through
// RawConn.Control).
func TestSockOpts(t *testing.T) {
	for _, backend := range []string{BackendNetpoll, BackendConn} {
		t.Run(backend, func(t *testing.T) { testSockOpts(t, backend) })
	}
}

func testSockOpts(t *testing.T, backend string) {
	pool, err := NewPool(PoolConfig{Loops: 1, Backend: backend})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	cfg := testConfig()
	cfg.Sock = SockOpts{SndBuf: 65536, RcvBuf: 65536, Backlog: 5, TOS: 0x10, Priority: 3,
		KeepAlive: 1, KeepAliveCnt: 3, KeepAliveIdle: 30, KeepAliveIntvl: 5, MaxRT: 5000}
	host := &fdHost{}
	ln, ep, err := pool.loops[0].Listen(Address{Transport: "tcp", TCP: netip.MustParseAddrPort("127.0.0.1:0")}, cfg, host)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close(0)
	a, _ := ResolveConnect("tcp", ep[len("tcp://"):], false)
	c := pool.loops[0].Connect(a, cfg, host, nil)
	defer c.Close(0)
	// Both ends handshaken: the accepted one was tuned before (ACCEPTED
	// comes before tuneConn, so it does not say that).
	host.wait(t, func() bool { return len(host.accepted) > 0 && len(host.dialed) > 0 && host.attached == 2 })
	for _, fd := range []int{host.accepted[0], host.dialed[0]} {
		for _, o := range []struct {
			name       string
			level, opt int
			want       int
		}{
			{"SO_KEEPALIVE", unix.SOL_SOCKET, unix.SO_KEEPALIVE, 1},
			{"TCP_KEEPCNT", unix.IPPROTO_TCP, unix.TCP_KEEPCNT, 3},
			{"TCP_KEEPIDLE", unix.IPPROTO_TCP, unix.TCP_KEEPIDLE, 30},
			{"TCP_KEEPINTVL", unix.IPPROTO_TCP, unix.TCP_KEEPINTVL, 5},
			{"TCP_USER_TIMEOUT", unix.IPPROTO_TCP, unix.TCP_USER_TIMEOUT, 5000},
			{"IP_TOS", unix.IPPROTO_IP, unix.IP_TOS, 0x10},
			{"SO_PRIORITY", unix.SOL_SOCKET, unix.SO_PRIORITY, 3},
			{"SO_SNDBUF", unix.SOL_SOCKET, unix.SO_SNDBUF, 2 * 65536}, // Linux doubles it
			{"SO_RCVBUF", unix.SOL_SOCKET, unix.SO_RCVBUF, 2 * 65536},
			{"TCP_NODELAY", unix.IPPROTO_TCP, unix.TCP_NODELAY, 1},
		} {
			withSocket(t, fd, func(s int) {
				if got, err := unix.GetsockoptInt(s, o.level, o.opt); err != nil || got != o.want {
					t.Errorf("fd %d %s = %d, %v; want %d", fd, o.name, got, err, o.want)
				}
			})
		}
	}
}

// TestConnectTimeout: ZMQ_CONNECT_TIMEOUT gives up a connect that does not
// complete (a listener whose backlog is full drops the SYN), reports it,
// and tries again.
func TestConnectTimeout(t *testing.T) {
	for _, backend := range []string{BackendNetpoll, BackendConn} {
		t.Run(backend, func(t *testing.T) { testConnectTimeout(t, backend) })
	}
}

func testConnectTimeout(t *testing.T, backend string) {
	lfd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(lfd)
	if err := unix.Bind(lfd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	unix.Listen(lfd, 0)
	sa, _ := unix.Getsockname(lfd)
	port := sa.(*unix.SockaddrInet4).Port
	// Fill the backlog: these complete the handshake and are never accepted.
	for i := 0; i < 4; i++ {
		fd, _ := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
		defer unix.Close(fd)
		unix.Connect(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: port})
	}
	time.Sleep(50 * time.Millisecond)

	pool, err := NewPool(PoolConfig{Loops: 1, Backend: backend})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	cfg := testConfig()
	cfg.ConnectTimeout = 50
	host := &fdHost{}
	c := pool.loops[0].Connect(Address{Transport: "tcp", TCP: netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(port))}, cfg, host, nil)
	defer c.Close(0)
	host.wait(t, func() bool { return len(host.closed) >= 2 }) // timed out, and again after the retry
	for _, err := range host.closed {
		if !errors.Is(err, errno.ETIMEDOUT) {
			t.Fatalf("CLOSED with %v, want ETIMEDOUT", err)
		}
	}
}
