package zring_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/zring/zring"
	"golang.org/x/sys/unix"
)

// admitted reports whether a PUSH connecting to ep gets a message through
// to pull within 300 ms.
func admitted(t *testing.T, ctx *zring.Context, pull *zring.Socket, ep string) bool {
	t.Helper()
	push := sock(t, ctx, zring.PUSH)
	push.SetOption(zring.Immediate, 1) // only to a connection that is admitted
	push.SetOption(zring.SndTimeo, 300)
	push.Connect(ep)
	if err := push.Send([]byte("hi"), 0); err != nil {
		return false
	}
	_, ok := recvWithin(t, pull, 300*time.Millisecond)
	return ok
}

// TestAcceptFilters: ZMQ_TCP_ACCEPT_FILTER: "If at least one filter is
// applied then new connection source ip should be matched"; "To clear all
// filters call zmq_setsockopt(socket, ZMQ_TCP_ACCEPT_FILTER, NULL, 0)".
// The IPC filters: "If at least one UID, GID, or PID filter is applied then
// new connection credentials should be matched."
func TestAcceptFilters(t *testing.T) {
	for _, c := range []struct {
		name  string
		set   func(s *zring.Socket)
		ep    string
		admit bool
	}{
		{"tcp, no filter", func(*zring.Socket) {}, "tcp://127.0.0.1:0", true},
		{"tcp, other network", func(s *zring.Socket) { s.SetOption(zring.TCPAcceptFilter, "10.0.0.0/8") }, "tcp://127.0.0.1:0", false},
		{"tcp, loopback among others", func(s *zring.Socket) {
			s.SetOption(zring.TCPAcceptFilter, "10.0.0.0/8")
			s.SetOption(zring.TCPAcceptFilter, "127.0.0.1")
		}, "tcp://127.0.0.1:0", true},
		{"tcp, cleared", func(s *zring.Socket) {
			s.SetOption(zring.TCPAcceptFilter, "10.0.0.0/8")
			s.SetOption(zring.TCPAcceptFilter, "")
		}, "tcp://127.0.0.1:0", true},
		{"ipc, other uid", func(s *zring.Socket) { s.SetOption(zring.IPCFilterUID, os.Getuid()+1) }, "ipc", false},
		{"ipc, our uid", func(s *zring.Socket) { s.SetOption(zring.IPCFilterUID, os.Getuid()) }, "ipc", true},
		{"ipc, our pid", func(s *zring.Socket) { s.SetOption(zring.IPCFilterPID, os.Getpid()) }, "ipc", true},
		{"ipc, our gid", func(s *zring.Socket) { s.SetOption(zring.IPCFilterGID, os.Getgid()) }, "ipc", true},
		{"ipc, cleared", func(s *zring.Socket) {
			s.SetOption(zring.IPCFilterPID, os.Getpid()+1)
			s.SetOption(zring.IPCFilterPID, nil)
		}, "ipc", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := newCtx(t)
			pull := sock(t, ctx, zring.PULL)
			c.set(pull)
			ep := c.ep
			if ep == "ipc" {
				ep = "ipc://" + t.TempDir() + "/f"
			}
			if got := admitted(t, ctx, pull, bindAt(t, pull, ep)); got != c.admit {
				t.Fatalf("admitted = %v, want %v", got, c.admit)
			}
		})
	}
	ctx := newCtx(t)
	s := sock(t, ctx, zring.PULL)
	for _, bad := range []any{"10.0.0.0/33", "not an address", 5} {
		if err := s.SetOption(zring.TCPAcceptFilter, bad); err == nil {
			t.Errorf("filter %v accepted", bad)
		}
	}
}

// TestUseFD: "the socket shall use the corresponding file descriptor ...
// the file descriptor passed through MUST have been ran through the "bind"
// and "listen" system calls beforehand."
func TestUseFD(t *testing.T) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	unix.Listen(fd, 16)
	sa, _ := unix.Getsockname(fd)
	port := sa.(*unix.SockaddrInet4).Port
	ctx := newCtx(t)
	pull := sock(t, ctx, zring.PULL)
	pull.SetOption(zring.UseFD, fd)
	ep := fmt.Sprintf("tcp://127.0.0.1:%d", port)
	if got := bindAt(t, pull, ep); got != ep {
		t.Fatalf("bound %s, want %s", got, ep)
	}
	if !admitted(t, ctx, pull, ep) {
		t.Fatal("nothing arrived through the adopted listener")
	}
	// An fd of another transport is refused.
	other := sock(t, ctx, zring.PULL)
	other.SetOption(zring.UseFD, fd)
	if err := other.Bind("ipc://" + t.TempDir() + "/x"); err == nil {
		t.Fatal("a tcp listener taken for ipc")
	}
}
