package zring_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/zring/zring"
	"github.com/zring/zring/internal/tcptest"
)

// recvStream receives one STREAM message: [routing id][data].
func recvStream(t *testing.T, s *zring.Socket) (id, data []byte) {
	t.Helper()
	parts, err := s.RecvMultipart(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 2 {
		t.Fatalf("got %d frames, want [routing id][data]", len(parts))
	}
	return parts[0], parts[1]
}

// TestStreamServer: a plain TCP client talks to a STREAM socket. "When a
// connection is made, a zero-length message will be received by the
// application"; data arrives as [routing id][bytes]; a reply goes back
// through the routing id; "To close a specific connection, send the
// routing id frame followed by a zero-length message".
func TestStreamServer(t *testing.T) {
	ctx := newCtx(t)
	s := sock(t, ctx, zring.STREAM)
	addr := bindAt(t, s, "tcp://127.0.0.1:0")
	c, err := net.Dial("tcp", addr[len("tcp://"):])
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	id, data := recvStream(t, s)
	if len(data) != 0 || len(id) != 5 || id[0] != 0 {
		t.Fatalf("connect notification [%q][%q], want [generated id][]", id, data)
	}
	c.Write([]byte("GET / HTTP/1.0\r\n\r\n"))
	var got []byte
	for !bytes.HasSuffix(got, []byte("\r\n\r\n")) {
		rid, d := recvStream(t, s)
		if !bytes.Equal(rid, id) {
			t.Fatalf("data from id %q, connection is %q", rid, id)
		}
		got = append(got, d...)
	}
	if string(got) != "GET / HTTP/1.0\r\n\r\n" {
		t.Fatalf("got %q", got)
	}
	if err := s.SendMultipart([][]byte{id, []byte("HTTP/1.0 200 OK\r\n\r\nhello")}, 0); err != nil {
		t.Fatal(err)
	}
	s.SendMultipart([][]byte{id, nil}, 0) // close
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	reply, err := io.ReadAll(c)
	if err != nil || string(reply) != "HTTP/1.0 200 OK\r\n\r\nhello" {
		t.Fatalf("client read %q, %v (want the reply, then EOF)", reply, err)
	}
	// A close the application asked for is not notified (libzmq 4.3.4;
	// "when the peer disconnects" it is, see TestStreamClient).
	if parts, err := s.RecvMultipart(zring.DontWait); !errors.Is(err, zring.ErrAgain) {
		t.Fatalf("after its own close the socket received %q, %v", parts, err)
	}
	// "unroutable messages shall cause an EHOSTUNREACH"
	if err := s.SendMultipart([][]byte{id, []byte("late")}, 0); !errors.Is(err, zring.ErrHostUnreachable) {
		t.Fatalf("send to a closed connection: %v", err)
	}
}

// TestStreamClient: a STREAM socket connects to a plain TCP server, under
// a routing id it chose (ZMQ_CONNECT_ROUTING_ID), and a client that closes
// its side shows as the disconnect notification. A peer sending a stream
// far larger than the pipes (no framing at all) reaches the application
// whole and in order.
func TestStreamClient(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	const total = 8 << 20
	payload := make([]byte, total)
	for i := range payload {
		payload[i] = byte(i * 7)
	}
	served := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			served <- err
			return
		}
		defer c.Close()
		buf := make([]byte, 5)
		if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "hello" {
			served <- errors.New("server did not get hello")
			return
		}
		_, err = c.Write(payload)
		served <- err
	}()
	ctx := newCtx(t)
	s := sock(t, ctx, zring.STREAM)
	s.SetOption(zring.ConnectRoutingID, "srv")
	s.SetOption(zring.ReconnectIvl, -1) // one connection: its end is the end
	if err := s.Connect("tcp://" + ln.Addr().String()); err != nil {
		t.Fatal(err)
	}
	if id, d := recvStream(t, s); string(id) != "srv" || len(d) != 0 {
		t.Fatalf("connect notification [%q][%q]", id, d)
	}
	if err := s.SendMultipart([][]byte{[]byte("srv"), []byte("hello")}, 0); err != nil {
		t.Fatal(err)
	}
	var got []byte
	for {
		parts, err := s.RecvMultipart(0)
		if err != nil {
			t.Fatalf("after %d bytes: %v", len(got), err)
		}
		id, d := parts[0], parts[1]
		if string(id) != "srv" {
			t.Fatalf("id %q", id)
		}
		if len(d) == 0 {
			break // the server closed
		}
		got = append(got, d...)
	}
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, payload) {
		t.Fatalf("got %d bytes, want the %d sent, in order", len(got), total)
	}
}

func TestStreamInprocRefused(t *testing.T) {
	ctx := newCtx(t)
	s := sock(t, ctx, zring.STREAM)
	if err := s.Bind("inproc://stream"); !errors.Is(err, zring.ErrNoCompatProto) {
		t.Fatalf("bind: %v", err)
	}
	if err := s.Connect("inproc://stream"); !errors.Is(err, zring.ErrNoCompatProto) {
		t.Fatalf("connect: %v", err)
	}
}

// TestStreamRoutingID: as libzmq 4.3.4's STREAM does, the routing id a
// STREAM makes up for a new peer is written to its ZMQ_ROUTING_ID: at once
// by a Connect (its pipes, and so the id, exist from then on), and when
// the connection arrives for an accepted one or one connected with
// ZMQ_IMMEDIATE. An id chosen with ZMQ_CONNECT_ROUTING_ID leaves the option
// as it was.
func TestStreamRoutingID(t *testing.T) {
	ln, _ := tcptest.Listen(t, "127.0.0.1:0") // keeps the connections open until the test ends
	ctx := newCtx(t)
	s := sock(t, ctx, zring.STREAM)
	routingID := func() string {
		v, err := s.GetOption(zring.RoutingID)
		if err != nil {
			t.Fatal(err)
		}
		return string(v.([]byte))
	}
	ep := "tcp://" + ln.Addr().String()
	if routingID() != "" {
		t.Fatalf("before any connection: %q", routingID())
	}
	connect := func() {
		t.Helper()
		if err := s.Connect(ep); err != nil {
			t.Fatal(err)
		}
	}
	note := func() string {
		t.Helper()
		id, d := recvStream(t, s)
		if len(d) != 0 {
			t.Fatalf("[%q][%q], want a notification", id, d)
		}
		return string(id)
	}
	connect()
	first := routingID()
	if len(first) != 5 || first[0] != 0 || note() != first {
		t.Fatalf("after Connect ZMQ_ROUTING_ID is %q; the connection's id must be that", first)
	}
	connect()
	second := routingID()
	if second == first || note() != second {
		t.Fatalf("second Connect: ZMQ_ROUTING_ID %q (first %q)", second, first)
	}
	s.SetOption(zring.ConnectRoutingID, "mine")
	connect()
	if routingID() != second || note() != "mine" || routingID() != second {
		t.Fatalf("ZMQ_CONNECT_ROUTING_ID changed ZMQ_ROUTING_ID to %q", routingID())
	}
	s.SetOption(zring.Immediate, 1)
	// Where nothing listens, so that no connection can come: GetOption
	// takes in connections that have come, libzmq's getsockopt does not.
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead.Close()
	if err := s.Connect("tcp://" + dead.Addr().String()); err != nil {
		t.Fatal(err)
	}
	if routingID() != second {
		t.Fatalf("with ZMQ_IMMEDIATE, the id is made when the connection is: %q before", routingID())
	}
	connect()
	if id := note(); routingID() != id || id == second {
		t.Fatalf("with ZMQ_IMMEDIATE: ZMQ_ROUTING_ID %q, connection %q", routingID(), id)
	}
	// Accepted connections.
	c, err := net.Dial("tcp", tcpAddr(t, bindAt(t, s, "tcp://127.0.0.1:0")))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if id := note(); routingID() != id {
		t.Fatalf("accepted: ZMQ_ROUTING_ID %q, connection %q", routingID(), id)
	}
}

// rawKinds are the sockets whose connections are raw TCP: a STREAM, and a
// ROUTER with ZMQ_ROUTER_RAW (which shares its connections' behaviour).
var rawKinds = []struct {
	name string
	make func(t *testing.T, ctx *zring.Context) *zring.Socket
}{
	{"STREAM", func(t *testing.T, ctx *zring.Context) *zring.Socket { return sock(t, ctx, zring.STREAM) }},
	{"ROUTER_RAW", rawRouter},
}

func acceptWithin(t *testing.T, conns chan net.Conn, d time.Duration) net.Conn {
	t.Helper()
	select {
	case c := <-conns:
		return c
	case <-time.After(d):
		t.Fatalf("no connection within %v", d)
		return nil
	}
}

func noConnection(t *testing.T, conns chan net.Conn, d time.Duration, what string) {
	t.Helper()
	select {
	case <-conns:
		t.Fatalf("%s: a new connection came", what)
	case <-time.After(d):
	}
}

// readExactly reads len(want) bytes from c and compares them.
func readExactly(t *testing.T, c net.Conn, want string) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, len(want))
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != want {
		t.Fatalf("peer read %q, %v; want %q", buf, err, want)
	}
}

func expectNote(t *testing.T, s *zring.Socket, id []byte, what string) {
	t.Helper()
	if rid, d := recvStream(t, s); !bytes.Equal(rid, id) || len(d) != 0 {
		t.Fatalf("%s: [%q][%q], want the notification [%q][]", what, rid, d, id)
	}
}

func expectNothing(t *testing.T, s *zring.Socket, what string) {
	t.Helper()
	if parts, err := s.RecvMultipart(zring.DontWait); !errors.Is(err, zring.ErrAgain) {
		t.Fatalf("%s: received %q, %v; want nothing", what, parts, err)
	}
}

// TestStreamOwnClose: "To close a specific connection, send the routing id
// frame followed by a zero-length message." As in libzmq 4.3.4, what was
// sent before the close is written, then the connection is closed; the
// socket is not told of the close it asked for (no disconnect
// notification), what the connection brought and the application had not
// received is dropped, the id is unroutable, and a connection the socket
// made is not made again.
func TestStreamOwnClose(t *testing.T) {
	for _, kind := range rawKinds {
		for _, accepted := range []bool{true, false} {
			name := kind.name + "/connected"
			if accepted {
				name = kind.name + "/accepted"
			}
			t.Run(name, func(t *testing.T) {
				ctx := newCtx(t)
				s := kind.make(t, ctx)
				s.SetOption(zring.ReconnectIvl, 10)
				var c net.Conn
				var conns chan net.Conn
				if accepted {
					var err error
					if c, err = net.Dial("tcp", tcpAddr(t, bindAt(t, s, "tcp://127.0.0.1:0"))); err != nil {
						t.Fatal(err)
					}
					defer c.Close()
				} else {
					var ln net.Listener
					ln, conns = tcptest.Listen(t, "127.0.0.1:0")
					if err := s.Connect("tcp://" + ln.Addr().String()); err != nil {
						t.Fatal(err)
					}
					c = acceptWithin(t, conns, 5*time.Second)
				}
				id, d := recvStream(t, s)
				if len(d) != 0 {
					t.Fatalf("connect notification [%q][%q]", id, d)
				}
				c.Write([]byte("pending"))
				// Time for the socket to take it in. (Not Events: a STREAM's
				// POLLIN, as libzmq's, receives ahead, and a message received
				// ahead is the application's.)
				time.Sleep(100 * time.Millisecond)
				mustSendParts(t, s, string(id), "bye")
				mustSendParts(t, s, string(id), "") // close
				c.SetReadDeadline(time.Now().Add(5 * time.Second))
				if got, err := io.ReadAll(c); err != nil || string(got) != "bye" {
					t.Fatalf("peer read %q, %v; want \"bye\", then EOF", got, err)
				}
				expectNothing(t, s, "after its own close")
				if !accepted {
					noConnection(t, conns, 300*time.Millisecond, "after its own close")
				}
				expectNothing(t, s, "later")
				err := s.SendMultipart([][]byte{id, []byte("late")}, 0)
				if kind.name == "STREAM" && !errors.Is(err, zring.ErrHostUnreachable) ||
					kind.name != "STREAM" && err != nil { // a ROUTER drops it
					t.Fatalf("send to the closed connection: %v", err)
				}
			})
		}
	}
}

// TestStreamConnectPipe: as libzmq 4.3.4 does, a raw socket's connect
// (without ZMQ_IMMEDIATE) makes its pipe and routing id in Connect, so the
// application can send before the connection exists; the pipe and the id
// outlive the connection: the peer's going is notified, the socket
// reconnects, and the new connection is notified under the same id, with
// what was sent meanwhile delivered to it. A STREAM does not write
// ZMQ_ROUTING_ID again.
func TestStreamConnectPipe(t *testing.T) {
	for _, c := range []struct {
		kind      int // in rawKinds
		connectID string
	}{
		{0, ""},
		{0, "srv"},
		{1, "srv"},
	} {
		kind := rawKinds[c.kind]
		t.Run(kind.name+"/"+c.connectID, func(t *testing.T) {
			ctx := newCtx(t)
			s := kind.make(t, ctx)
			s.SetOption(zring.ReconnectIvl, 10)
			if c.connectID != "" {
				s.SetOption(zring.ConnectRoutingID, c.connectID)
			}
			addr := tcptest.UnusedAddr(t)
			if err := s.Connect("tcp://" + addr); err != nil {
				t.Fatal(err)
			}
			id := []byte(c.connectID)
			if len(id) == 0 {
				v, _ := s.GetOption(zring.RoutingID)
				id = v.([]byte)
			}
			mustSendParts(t, s, string(id), "early")
			expectNothing(t, s, "before the connection")
			_, conns := tcptest.Listen(t, addr)
			c1 := acceptWithin(t, conns, 5*time.Second)
			expectNote(t, s, id, "first connection")
			readExactly(t, c1, "early")
			c1.Write([]byte("hi"))
			if rid, d := recvStream(t, s); !bytes.Equal(rid, id) || string(d) != "hi" {
				t.Fatalf("[%q][%q], want [%q][hi]", rid, d, id)
			}
			c1.Close()
			expectNote(t, s, id, "the peer's close")
			mustSendParts(t, s, string(id), "between")
			c2 := acceptWithin(t, conns, 5*time.Second)
			expectNote(t, s, id, "the reconnection")
			if v, _ := s.GetOption(zring.RoutingID); kind.name == "STREAM" && c.connectID == "" && !bytes.Equal(v.([]byte), id) {
				t.Fatalf("ZMQ_ROUTING_ID is %q after the reconnection, was %q", v, id)
			}
			readExactly(t, c2, "between")
			mustSendParts(t, s, string(id), "again")
			readExactly(t, c2, "again")
		})
	}
}

// TestStreamCloseBeforeConnect: a close sent before the connection exists
// still lets what was sent before it go out, on the connection when it
// comes, which is then closed (libzmq 4.3.4 leaves that connection open);
// with nothing to send, no connection is made.
func TestStreamCloseBeforeConnect(t *testing.T) {
	for _, queued := range []string{"early", ""} {
		t.Run(fmt.Sprintf("%q", queued), func(t *testing.T) {
			ctx := newCtx(t)
			s := sock(t, ctx, zring.STREAM)
			s.SetOption(zring.ReconnectIvl, 10)
			addr := tcptest.UnusedAddr(t)
			if err := s.Connect("tcp://" + addr); err != nil {
				t.Fatal(err)
			}
			v, _ := s.GetOption(zring.RoutingID)
			id := string(v.([]byte))
			if queued != "" {
				mustSendParts(t, s, id, queued)
			}
			mustSendParts(t, s, id, "")
			if err := s.SendMultipart([][]byte{[]byte(id), []byte("x")}, 0); !errors.Is(err, zring.ErrHostUnreachable) {
				t.Fatalf("send after the close: %v", err)
			}
			time.Sleep(50 * time.Millisecond) // let a dial that should not be made fail
			_, conns := tcptest.Listen(t, addr)
			if queued == "" {
				noConnection(t, conns, 300*time.Millisecond, "closed with nothing to send")
				return
			}
			c := acceptWithin(t, conns, 5*time.Second)
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			if got, err := io.ReadAll(c); err != nil || string(got) != queued {
				t.Fatalf("peer read %q, %v; want %q, then EOF", got, err, queued)
			}
			noConnection(t, conns, 300*time.Millisecond, "after the close")
			expectNothing(t, s, "after the close")
		})
	}
}

// TestStreamReconnectHeldAtHWM: a connect's pipe takes two notifications
// per connection, whatever its HWM, so that none is lost; a peer that
// accepts and closes at once must then not grow it without bound while
// the application reads nothing: the socket does not connect again until
// the application has drained the pipe below ZMQ_RCVHWM.
func TestStreamReconnectHeldAtHWM(t *testing.T) {
	ctx := newCtx(t)
	s := sock(t, ctx, zring.STREAM)
	s.SetOption(zring.ReconnectIvl, 5)
	s.SetOption(zring.RcvHWM, 4)
	ln, conns := tcptest.Listen(t, "127.0.0.1:0")
	if err := s.Connect("tcp://" + ln.Addr().String()); err != nil {
		t.Fatal(err)
	}
	v, _ := s.GetOption(zring.RoutingID)
	id := v.([]byte)
	accepted := 0
	for deadline := time.After(500 * time.Millisecond); ; {
		select {
		case c := <-conns:
			accepted++
			c.Close()
			continue
		case <-deadline:
		}
		break
	}
	if accepted < 1 || accepted > 2 {
		t.Fatalf("%d connections while the pipe was full, want the 2 that fill a RCVHWM of 4", accepted)
	}
	for i := 0; i < 2*accepted; i++ {
		expectNote(t, s, id, fmt.Sprintf("notification %d", i))
	}
	// Drained: the socket connects again.
	acceptWithin(t, conns, 5*time.Second).Close()
	expectNote(t, s, id, "after the drain")
}

// TestStreamFloodBounded: a peer sending without pause to a socket that
// reads nothing is held back by TCP once the connection's pipe is at
// ZMQ_RCVHWM: zring holds at most RCVHWM reads of ZMQ_IN_BATCH_SIZE bytes,
// for accepted connections and for a connect's pipes alike.
func TestStreamFloodBounded(t *testing.T) {
	for _, accepted := range []bool{true, false} {
		t.Run(fmt.Sprintf("accepted=%v", accepted), func(t *testing.T) {
			ctx := newCtx(t)
			s := sock(t, ctx, zring.STREAM)
			s.SetOption(zring.RcvHWM, 16)
			var c net.Conn
			if accepted {
				var err error
				if c, err = net.Dial("tcp", tcpAddr(t, bindAt(t, s, "tcp://127.0.0.1:0"))); err != nil {
					t.Fatal(err)
				}
				defer c.Close()
			} else {
				ln, conns := tcptest.Listen(t, "127.0.0.1:0")
				if err := s.Connect("tcp://" + ln.Addr().String()); err != nil {
					t.Fatal(err)
				}
				c = acceptWithin(t, conns, 5*time.Second)
			}
			const total = 1 << 30
			chunk := make([]byte, 1<<20)
			sent := 0
			for sent < total {
				c.SetWriteDeadline(time.Now().Add(300 * time.Millisecond))
				n, err := c.Write(chunk)
				sent += n
				if err != nil {
					break // held back
				}
			}
			// 16 messages of at most 8 KiB, plus the kernel's buffers.
			if sent >= 64<<20 {
				t.Fatalf("the peer wrote %d MiB to a socket that reads nothing", sent>>20)
			}
			t.Logf("held back after %d KiB", sent>>10)
		})
	}
}

// TestStreamImmediateReconnect: with ZMQ_IMMEDIATE a connect's pipes are
// made per connection, as an accepted one's are: after the peer closes
// (notified), the socket reconnects and the new connection comes under a
// new routing id, which ZMQ_ROUTING_ID then tells. (libzmq 4.3.4 closes
// the reconnected connection at once and says nothing of it: its session
// ends with the pipe it had terminated itself; zring does not copy that.)
func TestStreamImmediateReconnect(t *testing.T) {
	ctx := newCtx(t)
	s := sock(t, ctx, zring.STREAM)
	s.SetOption(zring.ReconnectIvl, 10)
	s.SetOption(zring.Immediate, 1)
	ln, conns := tcptest.Listen(t, "127.0.0.1:0")
	if err := s.Connect("tcp://" + ln.Addr().String()); err != nil {
		t.Fatal(err)
	}
	c1 := acceptWithin(t, conns, 5*time.Second)
	id1, d := recvStream(t, s)
	if len(d) != 0 {
		t.Fatalf("[%q][%q], want a notification", id1, d)
	}
	c1.Close()
	expectNote(t, s, id1, "the peer's close")
	c2 := acceptWithin(t, conns, 5*time.Second)
	id2, d := recvStream(t, s)
	if len(d) != 0 || bytes.Equal(id1, id2) {
		t.Fatalf("after the reconnection [%q][%q], want a notification under an id other than %q", id2, d, id1)
	}
	if v, _ := s.GetOption(zring.RoutingID); !bytes.Equal(v.([]byte), id2) {
		t.Fatalf("ZMQ_ROUTING_ID %q, want the new connection's %q", v, id2)
	}
	mustSendParts(t, s, string(id2), "hi")
	readExactly(t, c2, "hi")
}
