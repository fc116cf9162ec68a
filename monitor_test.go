package zring_test

import (
	"errors"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zring/zring"
)

// watch connects a PAIR to s's monitor and returns it.
func watch(t *testing.T, ctx *zring.Context, s *zring.Socket, name string, mask zring.Event) *zring.Socket {
	t.Helper()
	if err := s.Monitor("inproc://"+name, mask); err != nil {
		t.Fatal(err)
	}
	mon := sock(t, ctx, zring.PAIR)
	mon.SetOption(zring.RcvTimeo, 3000)
	if err := mon.Connect("inproc://" + name); err != nil {
		t.Fatal(err)
	}
	return mon
}

// expect reads events until one of kind want arrives.
func expect(t *testing.T, mon *zring.Socket, want zring.Event) zring.MonitorEvent {
	t.Helper()
	for {
		e, err := mon.RecvEvent(0)
		if err != nil {
			t.Fatalf("waiting for event %#x: %v", want, err)
		}
		if e.Event == want {
			return e
		}
	}
}

func TestMonitorConnectionLifecycle(t *testing.T) {
	ctx := newCtx(t)
	pull := sock(t, ctx, zring.PULL)
	pmon := watch(t, ctx, pull, "mon-pull", zring.EventAll)
	ep := bindAt(t, pull, "tcp://127.0.0.1:0")
	if e := expect(t, pmon, zring.EventListening); e.Endpoint != ep {
		t.Fatalf("LISTENING on %q, bound %q", e.Endpoint, ep)
	}

	push := sock(t, ctx, zring.PUSH)
	smon := watch(t, ctx, push, "mon-push", zring.EventConnected|zring.EventHandshakeSucceeded|zring.EventDisconnected|zring.EventMonitorStopped)
	push.Connect(ep)
	expect(t, smon, zring.EventConnected)
	expect(t, smon, zring.EventHandshakeSucceeded)
	expect(t, pmon, zring.EventAccepted)
	expect(t, pmon, zring.EventHandshakeSucceeded)

	pull.Close()
	expect(t, pmon, zring.EventClosed)
	expect(t, pmon, zring.EventMonitorStopped)
	expect(t, smon, zring.EventDisconnected)
	push.Monitor("", 0)
	expect(t, smon, zring.EventMonitorStopped)

	if err := push.Monitor("tcp://127.0.0.1:0", zring.EventAll); !errors.Is(err, zring.ErrProtoNotSupport) {
		t.Fatalf("monitor on tcp: %v", err)
	}
}

func TestMonitorBindFailed(t *testing.T) {
	ctx := newCtx(t)
	a := sock(t, ctx, zring.PULL)
	ep := bindAt(t, a, "tcp://127.0.0.1:0")
	b := sock(t, ctx, zring.PULL)
	mon := watch(t, ctx, b, "mon-bind", zring.EventBindFailed)
	b.Bind(ep)
	if e := expect(t, mon, zring.EventBindFailed); e.Value != 98 { // EADDRINUSE
		t.Fatalf("BIND_FAILED value %d", e.Value)
	}
}

// TestMonitorSaysWhyGarbageWasRefused: a peer that breaks the handshake is
// disconnected with an event naming the protocol error.
func TestMonitorSaysWhyGarbageWasRefused(t *testing.T) {
	cases := []struct {
		name  string
		bytes []byte
		want  uint32
	}{
		{"mechanism mismatch", greeting("PLAIN"), zring.ProtocolErrorMechanismMismatch},
		{"bad signature", append([]byte{0x00}, make([]byte, 63)...), zring.ProtocolErrorUnspecified},
		{"incompatible socket type", append(greeting("NULL"), readyFrame("PULL")...), zring.ProtocolErrorInvalidMetadata},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := newCtx(t)
			pull := sock(t, ctx, zring.PULL)
			refuseGarbage(t, ctx, pull, c.bytes, c.want)
		})
	}
}

// refuseGarbage binds s on tcp, sends garbage to it from a raw
// connection, and checks that s refuses it with HANDSHAKE_FAILED_PROTOCOL
// of code want, then DISCONNECTED, and closes the connection. It returns
// the endpoint, for a real peer to connect to after.
func refuseGarbage(t *testing.T, ctx *zring.Context, s *zring.Socket, garbage []byte, want uint32) string {
	t.Helper()
	mon := watch(t, ctx, s, "mon-garbage", zring.EventHandshakeFailedProtocol|zring.EventDisconnected)
	ep := bindAt(t, s, "tcp://127.0.0.1:0")
	conn, err := net.Dial("tcp", strings.TrimPrefix(ep, "tcp://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Write(garbage)
	if e := expect(t, mon, zring.EventHandshakeFailedProtocol); e.Value != want {
		t.Fatalf("protocol error %#x, want %#x", e.Value, want)
	}
	expect(t, mon, zring.EventDisconnected)
	conn.SetReadDeadline(time.Now().Add(3 * time.Second))
	buf := make([]byte, 256)
	for {
		if _, err := conn.Read(buf); err != nil {
			return ep // closed by zring
		}
	}
}

func greeting(mech string) []byte {
	g := make([]byte, 64)
	g[0], g[9], g[10], g[11] = 0xFF, 0x7F, 3, 1
	copy(g[12:32], mech)
	return g
}

func readyFrame(socketType string) []byte {
	body := append([]byte{5}, "READY"...)
	body = append(body, 11)
	body = append(body, "Socket-Type"...)
	body = append(body, 0, 0, 0, byte(len(socketType)))
	body = append(body, socketType...)
	return append([]byte{0x04, byte(len(body))}, body...)
}

// TestHandshakeIvl: "If handshaking does not complete within the
// configured time, the connection shall be closed. The value 0 means no
// handshake time limit." (zmq_setsockopt, ZMQ_HANDSHAKE_IVL; default
// 30000 ms, checked in TestOptionDefaults.)
func TestHandshakeIvl(t *testing.T) {
	ctx := newCtx(t)
	pull := sock(t, ctx, zring.PULL)
	if err := pull.SetOption(zring.HandshakeIvl, -1); !errors.Is(err, zring.ErrInvalid) {
		t.Fatalf("HandshakeIvl -1: %v", err)
	}
	pull.SetOption(zring.HandshakeIvl, 100)
	mon := watch(t, ctx, pull, "mon-hs-ivl", zring.EventHandshakeFailedNoDetail|zring.EventDisconnected)
	silent := dialRaw(t, tcpAddr(t, bindAt(t, pull, "tcp://127.0.0.1:0")))
	e := expect(t, mon, zring.EventHandshakeFailedNoDetail)
	if e.Value != uint32(syscall.ETIMEDOUT) {
		t.Errorf("HANDSHAKE_FAILED_NO_DETAIL value %d, want ETIMEDOUT", e.Value)
	}
	expect(t, mon, zring.EventDisconnected)
	expectClosedByPeer(t, silent, 3*time.Second) // after zring's own greeting

	// 0: a silent peer is kept.
	keep := sock(t, ctx, zring.PULL)
	keep.SetOption(zring.HandshakeIvl, 0)
	quiet := dialRaw(t, tcpAddr(t, bindAt(t, keep, "tcp://127.0.0.1:0")))
	quiet.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	buf := make([]byte, 256)
	for {
		_, err := quiet.Read(buf)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			break // still open
		}
		if err != nil {
			t.Fatalf("connection closed with HandshakeIvl 0: %v", err)
		}
	}
}

func TestEventString(t *testing.T) {
	for _, c := range []struct {
		e    zring.Event
		want string
	}{
		{zring.EventConnected, "EVENT_CONNECTED"},
		{zring.EventHandshakeFailedAuth, "EVENT_HANDSHAKE_FAILED_AUTH"},
		{zring.EventConnected | zring.EventDisconnected, "EVENT_CONNECTED|EVENT_DISCONNECTED"},
		{0, "0"},
	} {
		if got := c.e.String(); got != c.want {
			t.Errorf("%#x: %q, want %q", uint16(c.e), got, c.want)
		}
	}
}
