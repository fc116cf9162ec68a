package zring_test

import (
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zring/zring"
)

// TestReconnectStop: ZMQ_RECONNECT_STOP_CONN_REFUSED "will stop
// reconnection when 0MQ receives the ECONNREFUSED return code from the
// connect"; ZMQ_RECONNECT_STOP_HANDSHAKE_FAILED "will stop reconnection if
// the 0MQ handshake fails". Without them the socket keeps trying.
func TestReconnectStop(t *testing.T) {
	// A port nobody listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "tcp://" + ln.Addr().String()
	ln.Close()
	for _, stop := range []bool{false, true} {
		ctx := newCtx(t)
		s := sock(t, ctx, zring.PUSH)
		mon := watch(t, ctx, s, "rs-refused-"+map[bool]string{false: "a", true: "b"}[stop], zring.EventConnectRetried)
		s.SetOption(zring.ReconnectIvl, 10)
		if stop {
			s.SetOption(zring.ReconnectStop, zring.ReconnectStopConnRefused)
		}
		s.Connect(closed)
		mon.SetOption(zring.RcvTimeo, 300)
		_, err := mon.RecvEvent(0)
		if retried := err == nil; retried == stop {
			t.Fatalf("stop=%v: retried=%v after a refused connect", stop, retried)
		}
	}

	// A listener that answers with garbage: the handshake fails.
	for _, stop := range []bool{false, true} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		var accepted atomic.Int32
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				accepted.Add(1)
				c.Write([]byte("HTTP/1.0 400 Bad Request\r\n\r\n0123456789012345678901234567890123456789012345678901234567890123"))
				c.Close()
			}
		}()
		ctx := newCtx(t)
		s := sock(t, ctx, zring.PUSH)
		s.SetOption(zring.ReconnectIvl, 10)
		if stop {
			s.SetOption(zring.ReconnectStop, zring.ReconnectStopHandshakeFailed)
		}
		s.Connect("tcp://" + ln.Addr().String())
		time.Sleep(300 * time.Millisecond)
		n := accepted.Load()
		ln.Close()
		if stop && n != 1 || !stop && n < 2 {
			t.Fatalf("stop=%v: %d connections in 300 ms", stop, n)
		}
	}
}
