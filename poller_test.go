package zring_test

import (
	"errors"
	"testing"
	"time"

	"github.com/zring/zring"
)

func events(t *testing.T, s *zring.Socket) zring.PollEvents {
	t.Helper()
	v, err := s.GetOptionInt(zring.Events)
	if err != nil {
		t.Fatal(err)
	}
	return zring.PollEvents(v)
}

// TestEventsOption: ZMQ_EVENTS says whether a receive or a send would go
// through now.
func TestEventsOption(t *testing.T) {
	ctx := newCtx(t)
	pull, push := sock(t, ctx, zring.PULL), sock(t, ctx, zring.PUSH)
	if ev := events(t, push); ev&zring.PollOut != 0 {
		t.Fatalf("PUSH with no peer: %b, want no POLLOUT (a send would block)", ev)
	}
	push.Connect(bindAt(t, pull, "inproc://events"))
	if ev := events(t, push); ev != zring.PollOut {
		t.Fatalf("PUSH with a peer: %b", ev)
	}
	if ev := events(t, pull); ev != 0 {
		t.Fatalf("empty PULL: %b", ev)
	}
	push.SendMultipart([][]byte{[]byte("a"), []byte("b")}, 0)
	if ev := events(t, pull); ev != zring.PollIn {
		t.Fatalf("PULL with a message: %b", ev)
	}
	// The frame received ahead comes out first, then the rest.
	if got := mustRecvParts(t, pull); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Fatalf("got %q", got)
	}
	// A SUB: POLLIN only for a message that matches.
	pub, sub := sock(t, ctx, zring.PUB), sock(t, ctx, zring.SUB)
	sub.Connect(bindAt(t, pub, "inproc://events-pub"))
	sub.SetOption(zring.Subscribe, "yes")
	pub.Send([]byte("no"), 0)
	if ev := events(t, sub); ev != 0 {
		t.Fatalf("SUB with only a message it does not want: %b", ev)
	}
	pub.Send([]byte("yes!"), 0)
	if ev := events(t, sub); ev != zring.PollIn {
		t.Fatalf("SUB: %b", ev)
	}
	mustRecv(t, sub, "yes!")
	if err := sub.SetOption(zring.Events, 1); !errors.Is(err, zring.ErrInvalid) {
		t.Fatalf("ZMQ_EVENTS is read-only: %v", err)
	}
}

// TestPoller: zmq_poll's semantics on several sockets and transports.
func TestPoller(t *testing.T) {
	ctx := newCtx(t)
	a, b := sock(t, ctx, zring.PULL), sock(t, ctx, zring.ROUTER)
	pa, pb := sock(t, ctx, zring.PUSH), sock(t, ctx, zring.DEALER)
	pa.Connect(bindAt(t, a, "tcp://127.0.0.1:0"))
	pb.SetOption(zring.RoutingID, "d")
	pb.Connect(bindAt(t, b, "ipc://"+t.TempDir()+"/p"))
	p := zring.NewPoller()
	p.Add(a, zring.PollIn)
	p.Add(b, zring.PollIn)

	// Nothing yet: the timeout passes.
	start := time.Now()
	if ready, err := p.Wait(30 * time.Millisecond); err != nil || len(ready) != 0 {
		t.Fatalf("Wait = %v, %v", ready, err)
	}
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Fatalf("returned after %v", d)
	}
	// A message on one wakes a Wait with no limit.
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		time.Sleep(20 * time.Millisecond)
		pb.Send([]byte("to router"), 0)
	}()
	ready, err := p.Wait(-1)
	<-sent // pb is this goroutine's again
	if err != nil || len(ready) != 1 || ready[0].Socket != b || ready[0].Revents != zring.PollIn {
		t.Fatalf("Wait = %+v, %v", ready, err)
	}
	if got := mustRecvParts(t, b); len(got) != 2 || got[0] != "d" {
		t.Fatalf("router got %q", got)
	}
	// Both ready at once.
	pa.Send([]byte("x"), 0)
	pb.Send([]byte("y"), 0)
	deadline := time.Now().Add(5 * time.Second)
	for {
		ready, err = p.Wait(time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if len(ready) == 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if len(ready) != 2 {
		t.Fatalf("ready %+v, want both", ready)
	}
	mustRecv(t, a, "x")
	mustRecvParts(t, b)
	// zmq_poll itself, and POLLOUT.
	items := []zring.PollItem{{Socket: a, Events: zring.PollIn}, {Socket: pa, Events: zring.PollOut}}
	if n, err := zring.Poll(items, 0); err != nil || n != 1 || items[0].Revents != 0 || items[1].Revents != zring.PollOut {
		t.Fatalf("Poll = %d, %v, %+v", n, err, items)
	}
	// A closed socket.
	p.Remove(a)
	p.Remove(b)
	c := sock(t, ctx, zring.PULL)
	p.Add(c, zring.PollIn)
	c.Close()
	if _, err := p.Wait(0); !errors.Is(err, zring.ErrNotSocket) {
		t.Fatalf("closed socket: %v", err)
	}
}

// TestPollerTerm: ETERM once the context is shut down, even for a Wait
// already waiting.
func TestPollerTerm(t *testing.T) {
	ctx, err := zring.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	s, _ := ctx.NewSocket(zring.PULL)
	p := zring.NewPoller()
	p.Add(s, zring.PollIn)
	done := make(chan error, 1)
	go func() {
		_, err := p.Wait(-1)
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	ctx.Shutdown()
	select {
	case err := <-done:
		if !errors.Is(err, zring.ErrTerm) {
			t.Fatalf("Wait after shutdown: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Wait did not return on shutdown")
	}
	s.Close()
	ctx.Term()
}

// TestPollerAllocs: "Waiting allocates nothing", ready or timing out.
func TestPollerAllocs(t *testing.T) {
	ctx := newCtx(t)
	pull, push := sock(t, ctx, zring.PULL), sock(t, ctx, zring.PUSH)
	push.Connect(bindAt(t, pull, "inproc://allocs"))
	p := zring.NewPoller()
	p.Add(pull, zring.PollIn)
	p.Add(push, zring.PollOut)
	p.Wait(0)
	if n := testing.AllocsPerRun(100, func() { p.Wait(time.Millisecond) }); n != 0 {
		t.Errorf("a ready Wait allocates %v times", n)
	}
	p.Remove(push)
	if n := testing.AllocsPerRun(20, func() { p.Wait(100 * time.Microsecond) }); n != 0 {
		t.Errorf("a Wait that times out allocates %v times", n)
	}
}
