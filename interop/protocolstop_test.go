package interop

import (
	"fmt"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"github.com/zring/zring"
)

// TestConnecterEndsOnProtocolError: a connecting socket whose connection
// fails the protocol does not redial. libzmq 4.3.4 behaves so (its engine's
// protocol_error ends the session; only a failed connection is retried),
// and so must zring: each connects, with RECONNECT_IVL 10 ms, to a libzmq
// server that refuses it, and the server sees exactly one connection in
// 400 ms. And, as a control, a CURVE client with the wrong server key,
// which the server drops without a word (the client sees EOF), is
// redialled by both.
func TestConnecterEndsOnProtocolError(t *testing.T) {
	_, serverSecret, _, _ := curveKeypair(t)
	wrongServer, _, _, _ := curveKeypair(t)
	clientPublic, clientSecret, _, _ := curveKeypair(t)
	curveServer := func(s *zmq.Socket) error {
		if err := s.SetCurveServer(1); err != nil {
			return err
		}
		return s.SetCurveSecretkey(serverSecret)
	}
	noClientSetup := func(t *testing.T, p peer) {}
	cases := []struct {
		name        string
		serverType  zring.SocketType
		setup       func(*zmq.Socket) error
		clientSetup func(*testing.T, peer)
		want        func(n int) bool
		wantText    string
	}{
		// libzmq's server refuses these on what it reads from the client
		// (the greeting's mechanism, the READY's Socket-Type) and closes
		// at once. A zring client holds each until the server has sent
		// its own (zmtp.Config.Dialled), so it always learns why.
		{"NULL client, CURVE server", zring.PULL, curveServer, noClientSetup, func(n int) bool { return n == 1 }, "1"},
		{"PUSH to PUSH", zring.PUSH, func(*zmq.Socket) error { return nil }, noClientSetup, func(n int) bool { return n == 1 }, "1"},
		{"wrong server key", zring.PULL, curveServer, func(t *testing.T, p peer) {
			setCurve(t, p, clientPublic, clientSecret, wrongServer)
		}, func(n int) bool { return n >= 3 }, "at least 3"},
	}
	for _, c := range cases {
		for _, client := range []impl{libzmqImpl, zringImpl} {
			t.Run(fmt.Sprintf("%s/%s client", c.name, client), func(t *testing.T) {
				ctx := newContexts(t)
				server := newLibzmq(t, ctx.l, c.serverType)
				if err := c.setup(server.s); err != nil {
					t.Fatal(err)
				}
				accepted := countEvents(t, ctx.l, server, zmq.EVENT_ACCEPTED)
				ep, err := server.bind("tcp://127.0.0.1:*")
				if err != nil {
					t.Fatal(err)
				}
				cli := ctx.socket(t, side{client, zring.PUSH})
				c.clientSetup(t, cli)
				setBoth(t, cli, func(s *zring.Socket) error { return s.SetOption(zring.ReconnectIvl, 10) },
					func(s *zmq.Socket) error { return s.SetReconnectIvl(10 * time.Millisecond) })
				if err := cli.connect(ep); err != nil {
					t.Fatal(err)
				}
				if n := accepted(400 * time.Millisecond); !c.want(n) {
					t.Fatalf("the server accepted %d connections in 400 ms, want %s", n, c.wantText)
				}
			})
		}
	}
}

// countEvents monitors p for one event kind and returns a function that
// counts those that arrive within d.
func countEvents(t *testing.T, ctx *zmq.Context, p *libzmqPeer, event zmq.Event) func(d time.Duration) int {
	t.Helper()
	monitorSeq++
	addr := fmt.Sprintf("inproc://monitor-%d", monitorSeq)
	if err := p.s.Monitor(addr, event); err != nil {
		t.Fatal(err)
	}
	mon, err := ctx.NewSocket(zmq.PAIR)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mon.Close() })
	if err := mon.SetLinger(0); err != nil {
		t.Fatal(err)
	}
	if err := mon.Connect(addr); err != nil {
		t.Fatal(err)
	}
	return func(d time.Duration) int {
		n := 0
		for end := time.Now().Add(d); time.Now().Before(end); {
			mon.SetRcvtimeo(time.Until(end))
			if ev, _, _, err := mon.RecvEvent(0); err == nil && ev == event {
				n++
			}
		}
		return n
	}
}
