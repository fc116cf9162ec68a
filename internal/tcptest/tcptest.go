// Package tcptest holds the plain-TCP helpers that zring's tests share,
// those of the main module and those of the interop module alike: a
// listener that hands over every connection it accepts, and an address
// where nothing listens. It is for tests only.
package tcptest

import (
	"net"
	"testing"
)

// Listen listens on addr ("127.0.0.1:0" for a fresh port) and sends each
// connection it accepts on the channel (buffered, 64). When the test ends
// the listener and every connection it accepted are closed.
func Listen(t testing.TB, addr string) (net.Listener, chan net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	conns := make(chan net.Conn, 64)
	var all []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			all = append(all, c)
			conns <- c
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		for _, c := range all {
			c.Close()
		}
	})
	return ln, conns
}

// UnusedAddr is a 127.0.0.1 tcp address nothing listens on, for now: the
// kernel's pick of a free port, released at once.
func UnusedAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
