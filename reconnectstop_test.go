package zring_test

import (
	"errors"
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

// TestConnecterEndsOnProtocolError: as libzmq 4.3.4 does (checked against
// it with pyzmq, and in interop's TestConnecterEndsOnProtocolError), a
// connecting socket whose connection fails the protocol, in the handshake
// or after it, does not redial: its session ends, and its queued messages
// with it, so that Term does not wait on them even with Linger -1. A peer
// that refused us once would again; only a failed connection (EOF, reset,
// timeout) is retried.
func TestConnecterEndsOnProtocolError(t *testing.T) {
	serverPub, serverSec, _ := zring.CurveKeypair()
	cases := []struct {
		name   string
		server func(t *testing.T, ctx *zring.Context) *zring.Socket
		client func(s *zring.Socket)
	}{
		{"NULL to a CURVE server", func(t *testing.T, ctx *zring.Context) *zring.Socket {
			s := sock(t, ctx, zring.PULL)
			s.SetOption(zring.CurveServer, 1)
			s.SetOption(zring.CurveSecretKey, serverSec)
			return s
		}, func(*zring.Socket) {}},
		{"refused by ZAP", func(t *testing.T, ctx *zring.Context) *zring.Socket {
			zapHandler(t, ctx, func(string, [][]byte) (string, string, []byte) { return "400", "", nil })
			s := sock(t, ctx, zring.PULL)
			s.SetOption(zring.CurveServer, 1)
			s.SetOption(zring.CurveSecretKey, serverSec)
			return s
		}, func(s *zring.Socket) {
			pub, sec, _ := zring.CurveKeypair()
			s.SetOption(zring.CurveServerKey, serverPub)
			s.SetOption(zring.CurvePublicKey, pub)
			s.SetOption(zring.CurveSecretKey, sec)
		}},
		{"incompatible socket type", func(t *testing.T, ctx *zring.Context) *zring.Socket {
			return sock(t, ctx, zring.PUSH)
		}, func(*zring.Socket) {}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := newCtx(t)
			server := c.server(t, ctx)
			accepted := watch(t, ctx, server, "accepted", zring.EventAccepted)
			ep := bindAt(t, server, "tcp://127.0.0.1:0")

			cctx, err := zring.NewContext()
			if err != nil {
				t.Fatal(err)
			}
			client, err := cctx.NewSocket(zring.PUSH)
			if err != nil {
				t.Fatal(err)
			}
			client.SetOption(zring.ReconnectIvl, 10)
			client.SetOption(zring.Linger, -1)
			c.client(client)
			if err := client.Connect(ep); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 10; i++ {
				err := client.Send([]byte("never delivered"), zring.DontWait)
				if errors.Is(err, zring.ErrAgain) {
					// The refusal has come already (the client holds its
					// READY for the server's, so it can be that quick) and
					// taken the queue with the session: nothing is left to
					// wait on, which Term shows below all the same.
					break
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			expect(t, accepted, zring.EventAccepted)
			accepted.SetOption(zring.RcvTimeo, 300)
			if e, err := accepted.RecvEvent(0); err == nil {
				t.Fatalf("the client came back: %+v", e)
			}
			client.Close()
			done := make(chan error, 1)
			go func() { done <- cctx.Term() }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Term waits on the messages of a connection that can never be made")
			}
		})
	}

	// After the handshake: a message over the connecter's MAXMSGSIZE.
	t.Run("message over MAXMSGSIZE", func(t *testing.T) {
		ctx := newCtx(t)
		push := sock(t, ctx, zring.PUSH)
		accepted := watch(t, ctx, push, "accepted-big", zring.EventAccepted)
		ep := bindAt(t, push, "tcp://127.0.0.1:0")
		pull := sock(t, ctx, zring.PULL)
		pull.SetOption(zring.ReconnectIvl, 10)
		pull.SetOption(zring.MaxMsgSize, 10)
		if err := pull.Connect(ep); err != nil {
			t.Fatal(err)
		}
		expect(t, accepted, zring.EventAccepted)
		push.SetOption(zring.SndTimeo, 100)
		push.Send(make([]byte, 100), 0)
		accepted.SetOption(zring.RcvTimeo, 300)
		if e, err := accepted.RecvEvent(0); err == nil {
			t.Fatalf("the PULL came back: %+v", e)
		}
	})
}
