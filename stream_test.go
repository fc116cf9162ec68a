package zring_test

import (
	"bytes"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/zring/zring"
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
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // keep the connections open until the listener closes
		var cs []net.Conn
		for {
			c, err := ln.Accept()
			if err != nil {
				for _, c := range cs {
					c.Close()
				}
				return
			}
			cs = append(cs, c)
		}
	}()
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
