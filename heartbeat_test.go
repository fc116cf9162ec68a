package zring_test

import (
	"encoding/binary"
	"fmt"
	"testing"
	"time"

	"github.com/zring/zring"
	"github.com/zring/zring/internal/zmtp"
)

// TestHeartbeats: ZMQ_HEARTBEAT_IVL, _TIMEOUT and _TTL against a peer driven
// by hand, which can stay silent.
func TestHeartbeats(t *testing.T) {
	t.Run("PING every interval, with the TTL in deciseconds", func(t *testing.T) {
		// "a PING ZMTP command will be sent every ZMQ_HEARTBEAT_IVL
		// milliseconds"; the TTL "is rounded down to the nearest
		// decisecond".
		ctx := newCtx(t)
		s := sock(t, ctx, zring.PULL)
		s.SetOption(zring.HeartbeatIvl, 20)
		s.SetOption(zring.HeartbeatTTL, 1234)
		s.SetOption(zring.HeartbeatTimeout, 5000)
		p := dialWire(t, bindAt(t, s, "tcp://127.0.0.1:0"), 1, "PUSH")
		start := time.Now()
		for i := 0; i < 3; i++ {
			flags, body := p.frame()
			name, data, err := zmtp.ParseCommand(body)
			if flags&zmtp.FlagCommand == 0 || err != nil || string(name) != "PING" || len(data) < 2 {
				t.Fatalf("frame %d: %#x %q, want a PING", i, flags, body)
			}
			if ttl := binary.BigEndian.Uint16(data); ttl != 12 {
				t.Fatalf("PING TTL %d, want 12 deciseconds", ttl)
			}
			p.send(zmtp.FlagCommand, zmtp.AppendPong(nil, data[2:])[2:]) // traffic
		}
		if d := time.Since(start); d < 40*time.Millisecond {
			t.Fatalf("3 PINGs in %v: faster than every 20 ms", d)
		}
	})
	t.Run("a silent peer times out", func(t *testing.T) {
		// "The connection will time out if there is no traffic received
		// after sending the PING command".
		ctx := newCtx(t)
		s := sock(t, ctx, zring.PULL)
		mon := watch(t, ctx, s, "hb-timeout", zring.EventDisconnected)
		s.SetOption(zring.HeartbeatIvl, 20)
		s.SetOption(zring.HeartbeatTimeout, 60)
		dialWire(t, bindAt(t, s, "tcp://127.0.0.1:0"), 1, "PUSH")
		start := time.Now()
		expect(t, mon, zring.EventDisconnected)
		if d := time.Since(start); d < 60*time.Millisecond {
			t.Fatalf("closed after %v, before the timeout", d)
		}
	})
	t.Run("the peer's TTL", func(t *testing.T) {
		// "the remote side shall time out the connection if it does not
		// receive any more traffic within the TTL period": our side is
		// the remote side of a PING with TTL 1 (100 ms).
		ctx := newCtx(t)
		s := sock(t, ctx, zring.PULL)
		mon := watch(t, ctx, s, "hb-ttl", zring.EventDisconnected)
		p := dialWire(t, bindAt(t, s, "tcp://127.0.0.1:0"), 1, "PUSH")
		start := time.Now()
		p.send(zmtp.FlagCommand, zmtp.AppendPing(nil, 1, nil)[2:])
		if flags, body := p.frame(); flags&zmtp.FlagCommand == 0 || string(body[1:5]) != "PONG" {
			t.Fatalf("want a PONG, got %q", body)
		}
		expect(t, mon, zring.EventDisconnected)
		if d := time.Since(start); d < 100*time.Millisecond {
			t.Fatalf("closed after %v, before the TTL", d)
		}
	})
	t.Run("the TTL runs from the peer's latest PING", func(t *testing.T) {
		// A PING (TTL 300 ms), another just before the first one's
		// period ends, then silence: the connection ends about 300 ms
		// after the second. (It once stayed open for ever: the second
		// PING found the first period's timer running and was ignored,
		// and that timer, seeing traffic, stopped.)
		ctx := newCtx(t)
		s := sock(t, ctx, zring.PULL)
		mon := watch(t, ctx, s, "hb-ttl-latest", zring.EventDisconnected)
		p := dialWire(t, bindAt(t, s, "tcp://127.0.0.1:0"), 1, "PUSH")
		p.send(zmtp.FlagCommand, zmtp.AppendPing(nil, 3, nil)[2:])
		p.frame() // PONG
		time.Sleep(250 * time.Millisecond)
		last := time.Now()
		p.send(zmtp.FlagCommand, zmtp.AppendPing(nil, 3, nil)[2:])
		p.frame()
		mon.SetOption(zring.RcvTimeo, 2000)
		expect(t, mon, zring.EventDisconnected)
		if d := time.Since(last); d < 300*time.Millisecond {
			t.Fatalf("closed %v after the latest PING, before its TTL", d)
		}
	})
	t.Run("a peer gone dark is found within IVL + TIMEOUT", func(t *testing.T) {
		// IVL 100 ms, TIMEOUT 300 ms: the peer answers some PINGs, then
		// none. The connection must end within IVL + TIMEOUT of the last
		// answer (issue 12 allows 50 ms over; timers on a busy CI machine
		// get 100). It once took up to IVL + 2 x TIMEOUT: a wait that saw
		// traffic ended, and the next began only at a later PING.
		var worst time.Duration
		for answered := 2; answered <= 6; answered++ {
			ctx := newCtx(t)
			s := sock(t, ctx, zring.PULL)
			s.SetOption(zring.HeartbeatIvl, 100)
			s.SetOption(zring.HeartbeatTimeout, 300)
			mon := watch(t, ctx, s, fmt.Sprintf("hb-dark-%d", answered), zring.EventDisconnected)
			p := dialWire(t, bindAt(t, s, "tcp://127.0.0.1:0"), 1, "PUSH")
			var last time.Time
			for i := 0; i < answered; i++ {
				_, body := p.frame()
				_, data, _ := zmtp.ParseCommand(body)
				p.send(zmtp.FlagCommand, zmtp.AppendPong(nil, data[2:])[2:])
				last = time.Now()
			}
			expect(t, mon, zring.EventDisconnected)
			d := time.Since(last)
			worst = max(worst, d)
			if d > 500*time.Millisecond {
				t.Errorf("after %d answers: found %v after the last, want at most 400 ms (+100)", answered, d)
			}
		}
		t.Logf("worst detection: %v", worst)
	})
	t.Run("live peers stay connected", func(t *testing.T) {
		ctx := newCtx(t)
		pull, push := sock(t, ctx, zring.PULL), sock(t, ctx, zring.PUSH)
		mon := watch(t, ctx, pull, "hb-live", zring.EventDisconnected)
		// A timeout well above a loaded race-detector machine's pauses
		// (interop's 30 ms once failed in CI): this case is about PINGs
		// and PONGs keeping an idle connection, not about the scheduler.
		for _, s := range []*zring.Socket{pull, push} {
			s.SetOption(zring.HeartbeatIvl, 10)
			s.SetOption(zring.HeartbeatTTL, 300)
			s.SetOption(zring.HeartbeatTimeout, 150)
		}
		push.Connect(bindAt(t, pull, "tcp://127.0.0.1:0"))
		push.Send([]byte("a"), 0)
		mustRecv(t, pull, "a")
		time.Sleep(600 * time.Millisecond) // idle, but for heartbeats
		if e, err := mon.RecvEvent(zring.DontWait); err == nil {
			t.Fatalf("event %#x: heartbeats did not keep the connection", e.Event)
		}
		push.Send([]byte("b"), 0)
		mustRecv(t, pull, "b")
	})
}
