package zmq4_test

import (
	"strings"
	"syscall"
	"testing"
	"time"

	zmq "github.com/zring/zring/zmq4"
)

func TestPollerIDs(t *testing.T) {
	ctx := newContext(t)
	a, b := pair(t, ctx)
	c := newSocket(t, ctx, zmq.PULL)
	p := zmq.NewPoller()
	if id := p.Add(a, zmq.POLLIN); id != 0 {
		t.Errorf("first id %d", id)
	}
	if id := p.Add(b, zmq.POLLOUT); id != 1 {
		t.Errorf("second id %d", id)
	}
	if id := p.Add(c, zmq.POLLIN); id != 2 {
		t.Errorf("third id %d", id)
	}
	all, err := p.PollAll(0)
	if err != nil || len(all) != 3 {
		t.Fatalf("PollAll: %v %v", all, err)
	}
	for i, want := range []zmq.Polled{{a, 0}, {b, zmq.POLLOUT}, {c, 0}} {
		if all[i] != want {
			t.Errorf("PollAll[%d] = %v, want %v", i, all[i], want)
		}
	}
	if prev, err := p.Update(1, zmq.POLLIN|zmq.POLLOUT); prev != zmq.POLLOUT || err != nil {
		t.Errorf("Update: %v %v", prev, err)
	}
	if _, err := p.Update(3, zmq.POLLIN); err != zmq.ErrorNoSocket {
		t.Errorf("Update of id 3: %v", err)
	}
	// "Remove": the ids after it move down.
	if err := p.Remove(0); err != nil {
		t.Fatal(err)
	}
	all, _ = p.PollAll(0)
	if len(all) != 2 || all[0].Socket != b || all[1].Socket != c {
		t.Errorf("after Remove(0): %v", all)
	}
	if err := p.Remove(2); err != zmq.ErrorNoSocket {
		t.Errorf("Remove(2) of 2 items: %v", err)
	}
	if prev, err := p.UpdateBySocket(c, zmq.POLLOUT); prev != zmq.POLLIN || err != nil {
		t.Errorf("UpdateBySocket: %v %v", prev, err)
	}
	if _, err := p.UpdateBySocket(a, zmq.POLLIN); err != zmq.ErrorNoSocket {
		t.Errorf("UpdateBySocket of a removed socket: %v", err)
	}
	if err := p.RemoveBySocket(b); err != nil {
		t.Error(err)
	}
	if err := p.RemoveBySocket(b); err != zmq.ErrorNoSocket {
		t.Errorf("RemoveBySocket twice: %v", err)
	}
	if s := p.String(); !strings.HasPrefix(s, "Poller[Socket(PULL,") || !strings.HasSuffix(s, ":POLLOUT]") {
		t.Errorf("String() = %q", s)
	}
}

func TestPollerPoll(t *testing.T) {
	ctx := newContext(t)
	a, b := pair(t, ctx)
	p := zmq.NewPoller()
	p.Add(a, zmq.POLLIN)
	p.Add(b, zmq.POLLIN)
	p.Add(a, zmq.POLLIN|zmq.POLLOUT) // the same socket twice, as zmq_poll allows

	start := time.Now()
	if polled, err := p.Poll(30 * time.Millisecond); len(polled) != 1 || polled[0].Events != zmq.POLLOUT || err != nil {
		t.Fatalf("Poll with nothing to read: %v %v", polled, err)
	}
	p.Update(2, zmq.POLLIN)
	if polled, err := p.Poll(30 * time.Millisecond); len(polled) != 0 || err != nil {
		t.Fatalf("Poll with nothing to read: %v %v", polled, err)
	}
	if d := time.Since(start); d < 25*time.Millisecond {
		t.Errorf("Poll returned after %v, before its timeout", d)
	}
	// Less than a millisecond is no wait at all, as in zmq_poll.
	start = time.Now()
	p.Poll(900 * time.Microsecond)
	p.Poll(900 * time.Microsecond)
	p.Poll(900 * time.Microsecond)
	if d := time.Since(start); d > 2*time.Millisecond {
		t.Logf("three Polls of 900 µs took %v (slow machine?)", d)
	}

	p.RemoveBySocket(b) // b is the sender's now
	go func() {
		time.Sleep(20 * time.Millisecond)
		b.Send("wake", 0)
	}()
	polled, err := p.Poll(-1)
	if err != nil || len(polled) != 2 || polled[0].Socket != a || polled[1].Socket != a {
		t.Fatalf("Poll(-1) for a message: %v %v, want both items of a", polled, err)
	}
	if polled[0].Events != zmq.POLLIN || polled[1].Events != zmq.POLLIN {
		t.Errorf("events %v", polled)
	}
	a.Recv(0)
}

// The guide's load-balancing broker polls its backend in two Pollers, in
// turn: each Poll must be woken by the socket, whichever Poller waited on
// it last.
func TestPollersSharingASocket(t *testing.T) {
	ctx := newContext(t)
	a, b := pair(t, ctx)
	c, d := pair(t, ctx)
	// One goroutine owns the senders, b and d, and sends on the one it is
	// given, a little after.
	send, sent := make(chan *zmq.Socket), make(chan bool)
	defer func() {
		close(send)
		<-sent
	}()
	go func() {
		defer close(sent)
		for s := range send {
			time.Sleep(5 * time.Millisecond)
			s.Send("x", 0)
		}
	}()
	one := zmq.NewPoller()
	one.Add(a, zmq.POLLIN)
	both := zmq.NewPoller()
	both.Add(a, zmq.POLLIN)
	both.Add(c, zmq.POLLIN)
	for round := 0; round < 4; round++ {
		p, name := one, "one"
		if round%2 == 1 {
			p, name = both, "both"
		}
		if round == 3 {
			send <- d
		} else {
			send <- b
		}
		polled, err := p.Poll(5 * time.Second)
		if err != nil || len(polled) != 1 {
			t.Fatalf("round %d, poller %s: %v %v", round, name, polled, err)
		}
		polled[0].Socket.Recv(0)
	}
	// Removing a socket from one Poller leaves it in the other's.
	one.RemoveBySocket(a)
	send <- b
	if polled, err := both.Poll(5 * time.Second); err != nil || len(polled) != 1 || polled[0].Socket != a {
		t.Fatalf("after RemoveBySocket from the other Poller: %v %v", polled, err)
	}
}

func TestPollerErrors(t *testing.T) {
	ctx, _ := zmq.NewContext()
	s, _ := ctx.NewSocket(zmq.PULL)
	p := zmq.NewPoller()
	p.Add(s, zmq.POLLIN)
	got := make(chan error)
	go func() {
		_, err := p.Poll(-1)
		s.Close()
		got <- err
	}()
	time.Sleep(10 * time.Millisecond)
	ctx.Term()
	if err := <-got; err != zmq.ETERM {
		t.Errorf("Poll when the context is terminated: %v, want ETERM", err)
	}

	ctx2 := newContext(t)
	closed, _ := ctx2.NewSocket(zmq.PULL)
	closed.Close()
	p2 := zmq.NewPoller()
	p2.Add(closed, zmq.POLLIN)
	if polled, err := p2.Poll(0); err != zmq.Errno(syscall.ENOTSOCK) || len(polled) != 0 {
		t.Errorf("Poll of a closed socket: %v %v, want ENOTSOCK", polled, err)
	}
}
