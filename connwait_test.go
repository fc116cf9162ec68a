package zring_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/zring/zring"
)

// ctxMode is a context made with some engine options, for tests that run
// in each of several.
type ctxMode struct {
	name string
	opts []zring.ContextOption
}

// forEachMode runs f as a subtest in a fresh context of each mode.
func forEachMode(t *testing.T, modes []ctxMode, f func(t *testing.T, ctx *zring.Context)) {
	for _, c := range modes {
		t.Run(c.name, func(t *testing.T) {
			ctx := newCtx(t, c.opts...)
			f(t, ctx)
		})
	}
}

// connWaitModes are the ways a socket blocked in Recv may wait: on its
// one connection (the default) or behind its I/O loop, each with and
// without spinning first. Every test here runs in all four.
var connWaitModes = []ctxMode{
	{"conn", []zring.ContextOption{zring.Spin(0), zring.WaitOnConnection(true)}},
	{"conn+spin", []zring.ContextOption{zring.WaitOnConnection(true)}},
	{"loop", []zring.ContextOption{zring.Spin(0), zring.WaitOnConnection(false)}},
	{"loop+spin", []zring.ContextOption{zring.WaitOnConnection(false)}},
}

func forEachConnWait(t *testing.T, f func(t *testing.T, ctx *zring.Context)) {
	forEachMode(t, connWaitModes, f)
}

// connectedPull is a PULL bound on tcp with one PUSH connected and a first
// message through, so that the connection is up and a Recv then waits on
// it.
func connectedPull(t *testing.T, ctx *zring.Context) (pull, push *zring.Socket) {
	t.Helper()
	pull, push = pushPullOver(t, ctx, "tcp://127.0.0.1:0")
	push.Send([]byte("up"), 0)
	mustRecv(t, pull, "up")
	return pull, push
}

// recvAsync starts a blocking Recv on its own goroutine (which owns s
// until the result is read) and returns the result's channel.
type recvResult struct {
	parts [][]byte
	err   error
}

func recvAsync(s *zring.Socket) <-chan recvResult {
	ch := make(chan recvResult, 1)
	go func() {
		parts, err := s.RecvMultipart(0)
		ch <- recvResult{parts, err}
	}()
	return ch
}

// TestConnWaitBigMessage: a message of many megabytes arriving while the
// receiver waits: more than one wake-up's reading, so a wait that stopped
// reading before the kernel was drained would sleep on the rest (the
// netpoller reports only new arrivals).
func TestConnWaitBigMessage(t *testing.T) {
	forEachConnWait(t, func(t *testing.T, ctx *zring.Context) {
		for _, ep := range endpoints(t)[:2] {
			t.Run(ep[:3], func(t *testing.T) {
				pull, push := pushPullOver(t, ctx, ep)
				// A first message makes sure the connection is up, so the
				// next Recv waits on it.
				push.Send([]byte("up"), 0)
				mustRecv(t, pull, "up")
				got := recvAsync(pull)
				time.Sleep(20 * time.Millisecond)
				big := bytes.Repeat([]byte("0123456789abcdef"), 1<<19) // 8 MiB
				if err := push.SendMultipart([][]byte{[]byte("head"), big}, 0); err != nil {
					t.Fatal(err)
				}
				r := <-got
				if r.err != nil {
					t.Fatal(r.err)
				}
				if len(r.parts) != 2 || string(r.parts[0]) != "head" || !bytes.Equal(r.parts[1], big) {
					t.Fatalf("got %d parts, want head and 8 MiB", len(r.parts))
				}
			})
		}
	})
}

// TestConnWaitTimeout: ZMQ_RCVTIMEO: "the operation shall return ... EAGAIN"
// once it passes, whichever way the socket waits.
func TestConnWaitTimeout(t *testing.T) {
	forEachConnWait(t, func(t *testing.T, ctx *zring.Context) {
		pull, push := connectedPull(t, ctx)
		pull.SetOption(zring.RcvTimeo, 100)
		start := time.Now()
		_, err := pull.Recv(0)
		took := time.Since(start)
		if !errors.Is(err, zring.ErrAgain) {
			t.Fatalf("Recv: %v, want EAGAIN", err)
		}
		if took < 100*time.Millisecond || took > 3*time.Second {
			t.Fatalf("Recv gave up after %v, want 100 ms", took)
		}
		// And the socket works after.
		push.Send([]byte("after"), 0)
		pull.SetOption(zring.RcvTimeo, 5000)
		mustRecv(t, pull, "after")
	})
}

// TestConnWaitShutdown: zmq_ctx_shutdown makes a blocked Recv return ETERM.
func TestConnWaitShutdown(t *testing.T) {
	forEachConnWait(t, func(t *testing.T, ctx *zring.Context) {
		pull, _ := connectedPull(t, ctx)
		pull.SetOption(zring.RcvTimeo, -1)
		got := recvAsync(pull)
		time.Sleep(20 * time.Millisecond)
		ctx.Shutdown()
		select {
		case r := <-got:
			if !errors.Is(r.err, zring.ErrTerm) {
				t.Fatalf("Recv: %v, want ETERM", r.err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("Recv still blocked 5 s after Shutdown")
		}
	})
}

// TestConnWaitSecondPeer: a receiver waiting on its one connection hears
// of a second peer, and takes its message, without the first sending.
func TestConnWaitSecondPeer(t *testing.T) {
	forEachConnWait(t, func(t *testing.T, ctx *zring.Context) {
		pull, _ := connectedPull(t, ctx)
		addr, _ := pull.GetOption(zring.LastEndpoint)
		got := recvAsync(pull)
		time.Sleep(20 * time.Millisecond)
		other := sock(t, ctx, zring.PUSH)
		if err := other.Connect(addr.(string)); err != nil {
			t.Fatal(err)
		}
		other.Send([]byte("second"), 0)
		expectAsync(t, got, "second")
	})
}

// TestConnWaitReconnect: the connection a receiver waits on ends (its
// peer goes away) and a new one comes (the connect's reconnection to a
// new peer at the same address): its messages arrive, in the same Recv.
func TestConnWaitReconnect(t *testing.T) {
	forEachConnWait(t, func(t *testing.T, ctx *zring.Context) {
		first := sock(t, ctx, zring.PUSH)
		addr := bindAt(t, first, "tcp://127.0.0.1:0")
		pull := sock(t, ctx, zring.PULL)
		pull.SetOption(zring.ReconnectIvl, 10)
		pull.Connect(addr)
		first.Send([]byte("up"), 0)
		mustRecv(t, pull, "up")
		got := recvAsync(pull)
		time.Sleep(20 * time.Millisecond)
		first.Close()
		time.Sleep(50 * time.Millisecond)
		second := sock(t, ctx, zring.PUSH)
		bindAt(t, second, addr)
		second.Send([]byte("again"), 0)
		expectAsync(t, got, "again")
	})
}

func expectAsync(t *testing.T, got <-chan recvResult, want string) {
	t.Helper()
	select {
	case r := <-got:
		if r.err != nil || len(r.parts) != 1 || string(r.parts[0]) != want {
			t.Fatalf("Recv: %q, %v; want %q", r.parts, r.err, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no %q within 5 s", want)
	}
}

// TestConnWaitManyMessages: a stream of request/reply round trips, each
// Recv waiting, over tcp and ipc: every reply arrives, in order.
func TestConnWaitManyMessages(t *testing.T) {
	forEachConnWait(t, func(t *testing.T, ctx *zring.Context) {
		for _, ep := range endpoints(t)[:2] {
			t.Run(ep[:3], func(t *testing.T) {
				rep := sock(t, ctx, zring.REP)
				req := sock(t, ctx, zring.REQ)
				addr := bindAt(t, rep, ep)
				req.Connect(addr)
				const n = 2000
				done := make(chan error, 1)
				go func() {
					for i := 0; i < n; i++ {
						m, err := rep.Recv(0)
						if err != nil {
							done <- err
							return
						}
						if err := rep.Send(m, 0); err != nil {
							done <- err
							return
						}
					}
					done <- nil
				}()
				for i := 0; i < n; i++ {
					want := fmt.Sprint(i)
					if err := req.Send([]byte(want), 0); err != nil {
						t.Fatal(err)
					}
					m, err := req.Recv(0)
					if err != nil || string(m) != want {
						t.Fatalf("round trip %d: %q, %v", i, m, err)
					}
				}
				if err := <-done; err != nil {
					t.Fatal(err)
				}
			})
		}
	})
}
