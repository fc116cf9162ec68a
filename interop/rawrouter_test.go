package interop

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"github.com/zring/zring"
)

// plainServer listens on tcp and keeps the connections it accepts open
// until the test ends; it returns the endpoint and a channel of them.
func plainServer(t *testing.T) (string, chan net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns := make(chan net.Conn, 16)
	t.Cleanup(func() {
		ln.Close()
		for {
			select {
			case c := <-conns:
				c.Close()
			default:
				return
			}
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns <- c
		}
	}()
	return "tcp://" + ln.Addr().String(), conns
}

// bindTCP binds p to a fresh tcp port on 127.0.0.1 and returns the
// endpoint.
func bindTCP(t *testing.T, p peer) string {
	t.Helper()
	im := zringImpl
	if _, ok := p.(*libzmqPeer); ok {
		im = libzmqImpl
	}
	ep, err := p.bind(wildcard(t, "tcp", im))
	if err != nil {
		t.Fatalf("%v bind: %v", p, err)
	}
	return ep
}

// routingIDOf reads ZMQ_ROUTING_ID from either implementation.
func routingIDOf(t *testing.T, p peer) string {
	t.Helper()
	switch s := p.(type) {
	case *zringPeer:
		v, err := s.s.GetOption(zring.RoutingID)
		if err != nil {
			t.Fatal(err)
		}
		return string(v.([]byte))
	case *libzmqPeer:
		v, err := s.s.GetIdentity()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	return ""
}

// TestStreamRoutingIDLibzmq runs one scenario on a libzmq STREAM and on a
// zring STREAM and compares what each reports: libzmq 4.3.4's STREAM
// writes the routing id it makes up for a connect's peer to ZMQ_ROUTING_ID
// in zmq_connect, leaves it alone for a ZMQ_CONNECT_ROUTING_ID connect,
// and writes an accepted peer's once the socket has taken the connection
// in (libzmq's getsockopt does not process commands, so after the
// notification is received).
func TestStreamRoutingIDLibzmq(t *testing.T) {
	scenario := func(t *testing.T, s peer) []string {
		ep, conns := plainServer(t)
		var seen []string
		note := func() string {
			t.Helper()
			m, err := s.recv(0)
			if err != nil || len(m) != 2 || len(m[1]) != 0 {
				t.Fatalf("%v: %s, %v; want a notification", s, show(m), err)
			}
			return string(m[0])
		}
		seen = append(seen, fmt.Sprintf("before any connection: %q", routingIDOf(t, s)))
		if err := s.connect(ep); err != nil {
			t.Fatal(err)
		}
		first := routingIDOf(t, s)
		<-conns
		seen = append(seen, fmt.Sprintf("after connect: a made-up id (%v), the peer's (%v)",
			len(first) == 5 && first[0] == 0, note() == first))
		setBoth(t, s, func(z *zring.Socket) error { return z.SetOption(zring.ConnectRoutingID, "crid") },
			func(l *zmq.Socket) error { return l.SetConnectRid("crid") })
		if err := s.connect(ep); err != nil {
			t.Fatal(err)
		}
		<-conns
		seen = append(seen, fmt.Sprintf("after a CONNECT_ROUTING_ID connect: unchanged %v, peer %q",
			routingIDOf(t, s) == first, note()))
		bound := bindTCP(t, s)
		c, err := net.Dial("tcp", strings.TrimPrefix(bound, "tcp://"))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		id := note()
		seen = append(seen, fmt.Sprintf("after an accepted connection's notification: the peer's %v, new %v",
			routingIDOf(t, s) == id, id != first))
		return seen
	}
	cs := newContexts(t)
	l := scenario(t, cs.socket(t, libzmqSide(zring.STREAM)))
	z := scenario(t, cs.socket(t, zringSide(zring.STREAM)))
	for i := range l {
		if l[i] != z[i] {
			t.Errorf("libzmq: %s\n         zring:  %s", l[i], z[i])
		}
	}
	t.Logf("both: %q", l)
}

// TestRouterRawLibzmq runs one scenario on a libzmq ROUTER and a zring
// ROUTER, both with ZMQ_ROUTER_RAW, each serving a plain TCP client, and
// compares what they do: the connect notification with a made-up id,
// bytes as [id][data], ZMQ_SNDMORE on a data frame ignored (the next
// frame is taken for a routing id, and dropped without one after it),
// an empty data frame closing the connection, ZMQ_ROUTING_ID untouched.
func TestRouterRawLibzmq(t *testing.T) {
	scenario := func(t *testing.T, r peer) []string {
		var seen []string
		setBoth(t, r, func(z *zring.Socket) error { return z.SetOption(zring.RouterRaw, 1) },
			func(l *zmq.Socket) error { return l.SetRouterRaw(1) })
		bound := bindTCP(t, r)
		c, err := net.Dial("tcp", strings.TrimPrefix(bound, "tcp://"))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		m, err := r.recv(0)
		if err != nil || len(m) != 2 {
			t.Fatalf("%v: %s, %v", r, show(m), err)
		}
		id := m[0]
		seen = append(seen, fmt.Sprintf("connect: made-up id %v, empty data %v", len(id) == 5 && id[0] == 0, len(m[1]) == 0))
		c.Write([]byte("ping"))
		var got []byte
		for len(got) < 4 {
			m, err := r.recv(0)
			if err != nil || len(m) != 2 || !bytes.Equal(m[0], id) {
				t.Fatalf("%v: %s, %v", r, show(m), err)
			}
			got = append(got, m[1]...)
		}
		seen = append(seen, fmt.Sprintf("data: %q; ZMQ_ROUTING_ID %q", got, routingIDOf(t, r)))
		mustSend(t, r, [][]byte{id, []byte("a"), []byte("b")}) // SNDMORE on "a"
		mustSend(t, r, [][]byte{id, []byte("c")})
		mustSend(t, r, [][]byte{id, {}})
		// libzmq closes once its socket handles the pipe's end, which it
		// does inside a call: poll it while the client reads.
		var reply []byte
		buf := make([]byte, 64)
		deadline := time.Now().Add(ioTimeout)
		for time.Now().Before(deadline) {
			c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
			n, err := c.Read(buf)
			reply = append(reply, buf[:n]...)
			if err == io.EOF {
				break
			}
			if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatal(err)
			}
			r.recv(zring.DontWait)
		}
		seen = append(seen, fmt.Sprintf("client read %q, then EOF %v", reply, time.Now().Before(deadline)))
		return seen
	}
	cs := newContexts(t)
	l := scenario(t, cs.socket(t, libzmqSide(zring.ROUTER)))
	z := scenario(t, cs.socket(t, zringSide(zring.ROUTER)))
	for i := range l {
		if l[i] != z[i] {
			t.Errorf("libzmq: %s\n         zring:  %s", l[i], z[i])
		}
	}
	t.Logf("both: %q", l)
}

// TestRouterRawStream: a raw ROUTER of one implementation and a STREAM of
// the other, both raw TCP, talk: each sees the other's connection and the
// bytes sent.
func TestRouterRawStream(t *testing.T) {
	for _, routerImpl := range []impl{zringImpl, libzmqImpl} {
		streamImpl := libzmqImpl
		if routerImpl == libzmqImpl {
			streamImpl = zringImpl
		}
		t.Run(string(routerImpl)+"_ROUTER_RAW", func(t *testing.T) {
			cs := newContexts(t)
			r := cs.socket(t, side{routerImpl, zring.ROUTER})
			st := cs.socket(t, side{streamImpl, zring.STREAM})
			setBoth(t, r, func(z *zring.Socket) error { return z.SetOption(zring.RouterRaw, 1) },
				func(l *zmq.Socket) error { return l.SetRouterRaw(1) })
			link(t, "tcp", r, st, routerImpl)
			rid := recvNote(t, r)
			sid := recvNote(t, st)
			mustSend(t, st, [][]byte{sid, []byte("from stream")})
			expectStream(t, r, rid, "from stream")
			mustSend(t, r, [][]byte{rid, []byte("from router")})
			expectStream(t, st, sid, "from router")
		})
	}
}
