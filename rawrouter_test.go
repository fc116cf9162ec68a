package zring_test

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/zring/zring"
)

// TestRouterRawOption: ZMQ_ROUTER_RAW is a ROUTER's ("Applicable socket
// types ZMQ_ROUTER"); libzmq 4.3.4 takes any int from 0 and has no
// getsockopt for it.
func TestRouterRawOption(t *testing.T) {
	ctx := newCtx(t)
	for _, c := range []struct {
		typ zring.SocketType
		v   any
		ok  bool
	}{
		{zring.ROUTER, 1, true},
		{zring.ROUTER, 0, true},
		{zring.ROUTER, 2, true},
		{zring.ROUTER, -1, false},
		{zring.ROUTER, "1", false},
		{zring.DEALER, 1, false},
		{zring.STREAM, 1, false},
	} {
		s := sock(t, ctx, c.typ)
		err := s.SetOption(zring.RouterRaw, c.v)
		if c.ok && err != nil || !c.ok && !errors.Is(err, zring.ErrInvalid) {
			t.Errorf("%v SetOption(RouterRaw, %v): %v", c.typ, c.v, err)
		}
		if _, err := s.GetOption(zring.RouterRaw); !errors.Is(err, zring.ErrInvalid) {
			t.Errorf("%v GetOption(RouterRaw): %v", c.typ, err)
		}
	}
}

// rawRouter makes a ROUTER in raw mode.
func rawRouter(t *testing.T, ctx *zring.Context) *zring.Socket {
	t.Helper()
	r := sock(t, ctx, zring.ROUTER)
	if err := r.SetOption(zring.RouterRaw, 1); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRouterRawServer: "When the ROUTER socket is in raw mode, and when
// using the tcp:// transport, it will read and write TCP data without 0MQ
// framing"; "the ZMQ_SNDMORE flag is ignored when sending data messages";
// "you can close a specific connection by sending it a zero-length message
// (following the routing id frame)". As with libzmq 4.3.4, a connection
// shows as [id][empty] when made and when it ends, and ids are made up.
func TestRouterRawServer(t *testing.T) {
	ctx := newCtx(t)
	r := rawRouter(t, ctx)
	c, err := net.Dial("tcp", tcpAddr(t, bindAt(t, r, "tcp://127.0.0.1:0")))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	id, d := recvStream(t, r)
	if len(d) != 0 || len(id) != 5 || id[0] != 0 {
		t.Fatalf("connect notification [%q][%q], want [made-up id][]", id, d)
	}
	c.Write([]byte("ping"))
	var got []byte
	for len(got) < 4 {
		rid, d := recvStream(t, r)
		if !bytes.Equal(rid, id) {
			t.Fatalf("data from %q, connection is %q", rid, id)
		}
		got = append(got, d...)
	}
	if string(got) != "ping" {
		t.Fatalf("got %q", got)
	}
	// SndMore on the data frame is ignored: "b" is then a routing id
	// frame with nothing after it, which a ROUTER drops.
	r.Send(id, zring.SndMore)
	r.Send([]byte("a"), zring.SndMore)
	r.Send([]byte("b"), 0)
	mustSendParts(t, r, string(id), "c")
	r.Send(id, zring.SndMore)
	r.Send(nil, 0) // close
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if reply, err := io.ReadAll(c); err != nil || string(reply) != "ac" {
		t.Fatalf("client read %q, %v; want \"ac\", then EOF", reply, err)
	}
	// As a STREAM's (and libzmq 4.3.4's), a close the application asked
	// for is not notified.
	if parts, err := r.RecvMultipart(zring.DontWait); !errors.Is(err, zring.ErrAgain) {
		t.Fatalf("after its own close the socket received %q, %v", parts, err)
	}
	// A ROUTER's rules for unknown ids: dropped, or EHOSTUNREACH with
	// ZMQ_ROUTER_MANDATORY.
	if err := r.SendMultipart([][]byte{id, []byte("late")}, 0); err != nil {
		t.Fatalf("to a closed connection: %v", err)
	}
	r.SetOption(zring.RouterMandatory, 1)
	if err := r.SendMultipart([][]byte{id, []byte("late")}, 0); !errors.Is(err, zring.ErrHostUnreachable) {
		t.Fatalf("to a closed connection with ROUTER_MANDATORY: %v", err)
	}
}

// TestRouterRawClient: a raw ROUTER connecting sends nothing of its own
// (no ZMTP greeting) and sees its connection as [id][empty]; ZMQ_CONNECT_
// ROUTING_ID names it.
func TestRouterRawClient(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			accepted <- c
		}
	}()
	ctx := newCtx(t)
	r := rawRouter(t, ctx)
	r.SetOption(zring.ConnectRoutingID, "srv")
	if err := r.Connect("tcp://" + ln.Addr().String()); err != nil {
		t.Fatal(err)
	}
	if got := mustRecvParts(t, r); len(got) != 2 || got[0] != "srv" || got[1] != "" {
		t.Fatalf("connect notification %q", got)
	}
	c := <-accepted
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if n, _ := c.Read(make([]byte, 64)); n != 0 {
		t.Fatalf("the raw ROUTER sent %d bytes unasked", n)
	}
	mustSendParts(t, r, "srv", "hello")
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 5)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "hello" {
		t.Fatalf("server read %q, %v", buf, err)
	}
}

// TestRouterRawExisting: raw mode is for later binds and connects; an
// endpoint bound before speaks ZMTP still, but, as in libzmq 4.3.4, the
// routing switches at once: its ZMTP peer's announced routing id is
// ignored for a made-up one. Switching back makes later binds ZMTP again.
// A raw ROUTER refuses inproc, as a STREAM does.
func TestRouterRawExisting(t *testing.T) {
	ctx := newCtx(t)
	r := sock(t, ctx, zring.ROUTER)
	old := bindAt(t, r, "tcp://127.0.0.1:0")
	r.SetOption(zring.RouterRaw, 1)
	d := sock(t, ctx, zring.DEALER)
	d.SetOption(zring.RoutingID, "D")
	d.Connect(old)
	mustSendParts(t, d, "zmtp")
	if got := mustRecvParts(t, r); len(got) != 2 || got[0] == "D" || len(got[0]) != 5 || got[1] != "zmtp" {
		t.Fatalf("ZMTP peer on the old endpoint: %q, want [made-up id][zmtp]", got)
	}
	if err := r.Bind("inproc://raw"); !errors.Is(err, zring.ErrNoCompatProto) {
		t.Fatalf("inproc bind: %v", err)
	}
	if err := r.Connect("inproc://raw"); !errors.Is(err, zring.ErrNoCompatProto) {
		t.Fatalf("inproc connect: %v", err)
	}
	r.SetOption(zring.RouterRaw, 0)
	fresh := bindAt(t, r, "tcp://127.0.0.1:0")
	d2 := sock(t, ctx, zring.DEALER)
	d2.SetOption(zring.RoutingID, "D2")
	d2.Connect(fresh)
	mustSendParts(t, d2, "again")
	if got := mustRecvParts(t, r); len(got) != 2 || got[0] != "D2" || got[1] != "again" {
		t.Fatalf("after RouterRaw 0: %q, want [D2][again]", got)
	}
}

// TestRouterRawProbe: ZMQ_PROBE_ROUTER's empty message on a raw ROUTER's
// connection is nothing on the wire and does not close it (only an empty
// data frame sent by the application does). libzmq 4.3.4 aborts on it
// (an assertion in its stream engine); zring does not copy that.
func TestRouterRawProbe(t *testing.T) {
	ctx := newCtx(t)
	r := rawRouter(t, ctx)
	r.SetOption(zring.ProbeRouter, 1)
	c, err := net.Dial("tcp", tcpAddr(t, bindAt(t, r, "tcp://127.0.0.1:0")))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	id, d := recvStream(t, r)
	if len(d) != 0 {
		t.Fatalf("connect notification [%q][%q]", id, d)
	}
	c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if n, err := c.Read(make([]byte, 16)); n != 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("client read %d bytes, %v; want nothing, the connection open", n, err)
	}
	mustSendParts(t, r, string(id), "still open")
	readExactly(t, c, "still open")
}
