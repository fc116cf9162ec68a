//go:build linux

package loop

import (
	"errors"
	"net"
	"net/netip"
	"testing"

	"github.com/zring/zring/internal/errno"
	"golang.org/x/sys/unix"
)

// TestDialerReusesRefusedSocket: a connect to a dead port is refused, and
// the dialer keeps that socket and connects it again at the next dial
// (the same fd, no new socket), until the port has a listener: then the
// kept socket connects, and a byte crosses it.
func TestDialerReusesRefusedSocket(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // now nobody listens there
	addr := Address{Transport: "tcp", TCP: netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(port))}
	d := dialer{spare: -1}
	defer d.close()

	// attempt dials and settles; it returns the fd used and the outcome.
	attempt := func() (int, error) {
		t.Helper()
		fd, inProgress, err := d.dial(addr, &SockOpts{})
		if err != nil {
			return -1, err
		}
		if inProgress {
			for {
				done, err := d.settle(fd)
				if done {
					return fd, err
				}
				unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}, 100)
			}
		}
		return fd, nil
	}
	first := -1
	for i := 0; i < 5; i++ {
		fd, err := attempt()
		if !errors.Is(err, errno.ECONNREFUSED) {
			t.Fatalf("dial %d to a dead port: %v, want ECONNREFUSED", i, err)
		}
		if d.spare != fd {
			t.Fatalf("dial %d: the refused socket %d was not kept (spare %d)", i, fd, d.spare)
		}
		if first < 0 {
			first = fd
		} else if fd != first {
			t.Fatalf("dial %d used socket %d, want the kept %d", i, fd, first)
		}
	}

	ln, err = net.Listen("tcp", addr.TCP.String())
	if err != nil {
		t.Skipf("the port was taken in the meantime: %v", err)
	}
	defer ln.Close()
	fd, err := attempt()
	if err != nil {
		t.Fatalf("dial with a listener: %v", err)
	}
	if fd != first {
		t.Fatalf("the connect used socket %d, want the kept %d", fd, first)
	}
	if d.spare >= 0 {
		t.Fatalf("the connected socket is still the spare")
	}
	defer unix.Close(fd)
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := unix.Write(fd, []byte{42}); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 1)
	if _, err := c.Read(b); err != nil || b[0] != 42 {
		t.Fatalf("read %v %v, want the byte 42", b, err)
	}
}
