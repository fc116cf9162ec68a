package interop

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"github.com/zring/zring"
	"github.com/zring/zring/internal/tcptest"
)

// These tests run one scenario on a libzmq 4.3.4 raw socket (STREAM, or
// ROUTER with ZMQ_ROUTER_RAW) and on a zring one, each against plain TCP
// peers, record what each step shows, and compare the two records line
// by line.

// rawSocket is a STREAM, or a ROUTER with ZMQ_ROUTER_RAW, of either
// implementation.
type rawSocket struct {
	name string
	typ  zring.SocketType
	raw  bool // ZMQ_ROUTER_RAW
}

var rawSockets = []rawSocket{{"STREAM", zring.STREAM, false}, {"ROUTER_RAW", zring.ROUTER, true}}

func (k rawSocket) make(t *testing.T, cs contexts, im impl) peer {
	t.Helper()
	p := cs.socket(t, side{im, k.typ})
	if k.raw {
		setBoth(t, p, func(z *zring.Socket) error { return z.SetOption(zring.RouterRaw, 1) },
			func(l *zmq.Socket) error { return l.SetRouterRaw(1) })
	}
	return p
}

// compareRecords runs scenario on a libzmq socket and a zring one.
func compareRecords(t *testing.T, scenario func(t *testing.T, cs contexts, im impl) []string) {
	t.Helper()
	cs := newContexts(t)
	l := scenario(t, cs, libzmqImpl)
	z := scenario(t, cs, zringImpl)
	if len(l) != len(z) {
		t.Errorf("libzmq took %d steps, zring %d", len(l), len(z))
	}
	for i := range min(len(l), len(z)) {
		if l[i] != z[i] {
			t.Errorf("step %d\n  libzmq: %s\n  zring:  %s", i, l[i], z[i])
		}
	}
	t.Logf("both: %q", l)
}

// errName names a send's or receive's result the same way for both
// implementations.
func errName(err error) string {
	switch {
	case err == nil:
		return "ok"
	case isAgain(err):
		return "EAGAIN"
	case errors.Is(err, zring.ErrHostUnreachable) || zmq.AsErrno(err) == zmq.Errno(syscall.EHOSTUNREACH):
		return "EHOSTUNREACH"
	}
	return err.Error()
}

// newConnWithin says whether a connection arrives within d.
func newConnWithin(conns chan net.Conn, d time.Duration) (net.Conn, bool) {
	select {
	case c := <-conns:
		return c, true
	case <-time.After(d):
		return nil, false
	}
}

// peerRead reads from c until n bytes have come, EOF, or ioTimeout.
func peerRead(c net.Conn, n int) string {
	c.SetReadDeadline(time.Now().Add(ioTimeout))
	buf := make([]byte, n)
	k, err := io.ReadFull(c, buf)
	if err != nil {
		return fmt.Sprintf("%q, %v", buf[:k], err)
	}
	return fmt.Sprintf("%q", buf)
}

// peerReadAll reads from c until EOF: what the socket sent before it
// closed the connection. libzmq closes once its socket has handled the
// pipe's end, which it does inside a call: p is polled while c is read.
func peerReadAll(c net.Conn, p peer) string {
	var got []byte
	buf := make([]byte, 64)
	for deadline := time.Now().Add(ioTimeout); time.Now().Before(deadline); {
		c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		n, err := c.Read(buf)
		got = append(got, buf[:n]...)
		if err == io.EOF {
			return fmt.Sprintf("%q, then EOF", got)
		}
		if err != nil && !errors.Is(err, syscall.EAGAIN) && !strings.Contains(err.Error(), "timeout") {
			return fmt.Sprintf("%q, then %v", got, err)
		}
		p.recv(zring.DontWait)
	}
	return fmt.Sprintf("%q, and no EOF", got)
}

// recvRecord receives one message without waiting and describes it
// against id: "nothing", "[id][]", "[id][data]", or what it was.
func recvRecord(p peer, id []byte) string {
	m, err := p.recv(zring.DontWait)
	if err != nil {
		if isAgain(err) {
			return "nothing"
		}
		return errName(err)
	}
	if len(m) != 2 {
		return show(m)
	}
	who := "id"
	if !bytes.Equal(m[0], id) {
		who = fmt.Sprintf("other id %q", m[0])
	}
	return fmt.Sprintf("[%s][%q]", who, m[1])
}

// recvWait receives one message, waiting up to ioTimeout, and describes
// it as recvRecord does.
func recvWait(p peer, id []byte) string {
	for deadline := time.Now().Add(ioTimeout); ; time.Sleep(time.Millisecond) {
		r := recvRecord(p, id)
		if r != "nothing" || time.Now().After(deadline) {
			return r
		}
	}
}

// watchEnds monitors p for ZMQ_EVENT_DISCONNECTED and ZMQ_EVENT_CLOSED
// and returns a function that lists those that come within d, by name.
func watchEnds(t *testing.T, cs contexts, p peer) func(d time.Duration) string {
	t.Helper()
	monitorSeq++
	addr := fmt.Sprintf("inproc://ends-%d", monitorSeq)
	const mask = 0x0200 | 0x0080 // ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_CLOSED
	names := map[int]string{0x0200: "DISCONNECTED", 0x0080: "CLOSED"}
	var next func(d time.Duration) (int, bool)
	switch s := p.(type) {
	case *zringPeer:
		if err := s.s.Monitor(addr, zring.Event(mask)); err != nil {
			t.Fatal(err)
		}
		mon, err := cs.z.NewSocket(zring.PAIR)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { mon.Close() })
		mon.SetOption(zring.Linger, 0)
		if err := mon.Connect(addr); err != nil {
			t.Fatal(err)
		}
		next = func(d time.Duration) (int, bool) {
			mon.SetOption(zring.RcvTimeo, int(d/time.Millisecond))
			e, err := mon.RecvEvent(0)
			return int(e.Event), err == nil
		}
	case *libzmqPeer:
		if err := s.s.Monitor(addr, zmq.Event(mask)); err != nil {
			t.Fatal(err)
		}
		mon, err := cs.l.NewSocket(zmq.PAIR)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { mon.Close() })
		mon.SetLinger(0)
		if err := mon.Connect(addr); err != nil {
			t.Fatal(err)
		}
		next = func(d time.Duration) (int, bool) {
			mon.SetRcvtimeo(d)
			ev, _, _, err := mon.RecvEvent(0)
			return int(ev), err == nil
		}
	}
	return func(d time.Duration) string {
		var seen []string
		for deadline := time.Now().Add(d); ; {
			left := time.Until(deadline)
			if left <= 0 {
				break
			}
			ev, ok := next(left)
			if !ok {
				break
			}
			seen = append(seen, names[ev])
		}
		return fmt.Sprint(seen)
	}
}

// TestStreamOwnCloseLibzmq: "To close a specific connection, send the
// routing id frame followed by a zero-length message." libzmq 4.3.4 writes
// what was sent before and closes the connection; it does not notify the
// socket of the close it asked for, drops what the connection brought that
// the application had not received, makes the id unroutable, and does not
// connect again a connection it had made. Nor does its monitor report the
// close (ZMQ_EVENT_DISCONNECTED is for a socket "disconnected
// unexpectedly"). For accepted and connected connections, on a STREAM and
// on a raw ROUTER.
func TestStreamOwnCloseLibzmq(t *testing.T) {
	for _, k := range rawSockets {
		for _, accepted := range []bool{true, false} {
			name := k.name + "/connected"
			if accepted {
				name = k.name + "/accepted"
			}
			t.Run(name, func(t *testing.T) {
				compareRecords(t, func(t *testing.T, cs contexts, im impl) []string {
					s := k.make(t, cs, im)
					ends := watchEnds(t, cs, s)
					var c net.Conn
					var conns chan net.Conn
					if accepted {
						var err error
						if c, err = net.Dial("tcp", strings.TrimPrefix(bindTCP(t, s), "tcp://")); err != nil {
							t.Fatal(err)
						}
						defer c.Close()
					} else {
						var ln net.Listener
						ln, conns = tcptest.Listen(t, "127.0.0.1:0")
						if err := s.connect("tcp://" + ln.Addr().String()); err != nil {
							t.Fatal(err)
						}
						c, _ = newConnWithin(conns, ioTimeout)
						if c == nil {
							t.Fatalf("%v did not connect", s)
						}
					}
					var seen []string
					id := recvNote(t, s)
					seen = append(seen, fmt.Sprintf("connect notification, made-up id %v", len(id) == 5 && id[0] == 0))
					c.Write([]byte("pending"))
					time.Sleep(100 * time.Millisecond) // for the socket to take it in
					seen = append(seen, "close: "+errName(s.send([][]byte{id, []byte("bye")}, 0))+
						" "+errName(s.send([][]byte{id, {}}, 0)))
					seen = append(seen, "peer read "+peerReadAll(c, s))
					seen = append(seen, "monitor: "+ends(200*time.Millisecond))
					seen = append(seen, "socket received "+recvRecord(s, id))
					if !accepted {
						_, again := newConnWithin(conns, 300*time.Millisecond)
						seen = append(seen, fmt.Sprintf("connected again: %v", again))
					}
					seen = append(seen, "socket received "+recvRecord(s, id))
					seen = append(seen, "send to the id: "+errName(s.send([][]byte{id, []byte("late")}, zring.DontWait)))
					return seen
				})
			})
		}
	}
}

// TestStreamConnectPipeLibzmq: libzmq 4.3.4's raw sockets make a connect's
// pipe, and its routing id, in zmq_connect (without ZMQ_IMMEDIATE): the
// application can send to the id before the TCP connection exists, and it
// is delivered once connected. The pipe outlives the connection: when the
// peer closes, the disconnect notification comes, the socket reconnects,
// and the new connection's notification comes under the same id, with
// what was sent meanwhile delivered to it; a STREAM's ZMQ_ROUTING_ID is
// not written again.
func TestStreamConnectPipeLibzmq(t *testing.T) {
	for _, c := range []struct {
		k         rawSocket
		connectID string
	}{
		{rawSockets[0], ""},
		{rawSockets[0], "crid"},
		{rawSockets[1], "crid"},
	} {
		t.Run(c.k.name+"/"+c.connectID, func(t *testing.T) {
			compareRecords(t, func(t *testing.T, cs contexts, im impl) []string {
				s := c.k.make(t, cs, im)
				if c.connectID != "" {
					setBoth(t, s, func(z *zring.Socket) error { return z.SetOption(zring.ConnectRoutingID, c.connectID) },
						func(l *zmq.Socket) error { return l.SetConnectRid(c.connectID) })
				}
				ends := watchEnds(t, cs, s)
				var seen []string
				addr := tcptest.UnusedAddr(t)
				if err := s.connect("tcp://" + addr); err != nil {
					t.Fatal(err)
				}
				id := []byte(c.connectID)
				if len(id) == 0 {
					id = []byte(routingIDOf(t, s))
				}
				seen = append(seen, fmt.Sprintf("after connect: id %d bytes", len(id)))
				seen = append(seen, "send before the connection: "+errName(s.send([][]byte{id, []byte("early")}, zring.DontWait)))
				seen = append(seen, "socket received "+recvRecord(s, id))
				_, conns := tcptest.Listen(t, addr)
				c1, ok := newConnWithin(conns, ioTimeout)
				if !ok {
					t.Fatalf("%v did not connect", s)
				}
				seen = append(seen, "connected: socket received "+recvWait(s, id))
				seen = append(seen, "peer read "+peerRead(c1, 5))
				c1.Write([]byte("hi"))
				seen = append(seen, "socket received "+recvWait(s, id))
				c1.Close()
				seen = append(seen, "peer closed: socket received "+recvWait(s, id))
				// (Refused connects before the listener was there may show
				// as CLOSED, as many as there were.)
				seen = append(seen, fmt.Sprintf("monitor: DISCONNECTED %v", strings.Contains(ends(100*time.Millisecond), "DISCONNECTED")))
				seen = append(seen, "send while disconnected: "+errName(s.send([][]byte{id, []byte("between")}, zring.DontWait)))
				c2, ok := newConnWithin(conns, ioTimeout)
				seen = append(seen, fmt.Sprintf("connected again: %v", ok))
				if !ok {
					return seen
				}
				seen = append(seen, "socket received "+recvWait(s, id))
				seen = append(seen, fmt.Sprintf("ZMQ_ROUTING_ID is the id %v, is empty %v", routingIDOf(t, s) == string(id), routingIDOf(t, s) == ""))
				seen = append(seen, "peer read "+peerRead(c2, 7))
				seen = append(seen, "send: "+errName(s.send([][]byte{id, []byte("again")}, zring.DontWait)))
				seen = append(seen, "peer read "+peerRead(c2, 5))
				seen = append(seen, "socket received "+recvRecord(s, id))
				return seen
			})
		})
	}
}

// TestStreamPeerCloseNoReconnectLibzmq: with ZMQ_RECONNECT_IVL -1, a
// connect's connection that the peer closes is not made again.
//
// Where libzmq 4.3.4 is not followed: its disconnect notification is
// lost when the socket handles the session's end of the endpoint before
// the application reads it (the socket then terminates the pipe, notification
// and all): a blocking recv waiting when the peer closes gets it, a
// non-blocking one called a moment later does not. zring always delivers
// it. And a send to the id then says EAGAIN in libzmq, for ever (its pipe
// never finishes terminating); zring says EHOSTUNREACH, as for any id it
// has no connection for.
func TestStreamPeerCloseNoReconnectLibzmq(t *testing.T) {
	for _, k := range rawSockets {
		t.Run(k.name, func(t *testing.T) {
			compareRecords(t, func(t *testing.T, cs contexts, im impl) []string {
				s := k.make(t, cs, im)
				setBoth(t, s, func(z *zring.Socket) error { return z.SetOption(zring.ReconnectIvl, -1) },
					func(l *zmq.Socket) error { return l.SetReconnectIvl(-1) })
				ln, conns := tcptest.Listen(t, "127.0.0.1:0")
				if err := s.connect("tcp://" + ln.Addr().String()); err != nil {
					t.Fatal(err)
				}
				c, ok := newConnWithin(conns, ioTimeout)
				if !ok {
					t.Fatalf("%v did not connect", s)
				}
				var seen []string
				id := recvNote(t, s)
				c.Close()
				if im == zringImpl {
					if got := recvWait(s, id); got != `[id][""]` {
						t.Errorf("zring: peer closed, socket received %s; want the disconnect notification", got)
					}
				}
				_, again := newConnWithin(conns, 300*time.Millisecond)
				seen = append(seen, fmt.Sprintf("connected again: %v", again))
				if im == zringImpl {
					if got := recvRecord(s, id); got != "nothing" {
						t.Errorf("zring: socket received %s after the notification", got)
					}
					err := s.send([][]byte{id, []byte("x")}, zring.DontWait)
					if k.typ == zring.STREAM && !errors.Is(err, zring.ErrHostUnreachable) || k.typ != zring.STREAM && err != nil {
						t.Errorf("zring: send to the id of a connection gone: %v", err)
					}
				}
				return seen
			})
		})
	}
}
