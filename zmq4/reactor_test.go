package zmq4_test

import (
	"errors"
	"testing"
	"time"

	zmq "github.com/zring/zring/zmq4"
)

func TestReactor(t *testing.T) {
	ctx := newContext(t)
	a, b := pair(t, ctx)
	c, d := pair(t, ctx)
	stop := errors.New("stop")

	ticks := make(chan time.Time, 2)
	ticks <- time.Unix(1, 0)
	ticks <- time.Unix(2, 0)
	values := make(chan interface{}, 5)
	for i := 0; i < 5; i++ {
		values <- i
	}
	close(values) // removed once drained

	var log []string
	r := zmq.NewReactor()
	r.AddChannelTime(ticks, 0, func(v interface{}) error {
		log = append(log, "tick "+v.(time.Time).UTC().Format("05"))
		if v.(time.Time).Unix() == 1 {
			b.Send("from b", 0) // wakes a's handler next time round
		}
		return nil
	})
	r.AddChannel(values, 2, func(v interface{}) error {
		log = append(log, "value")
		return nil
	})
	r.AddSocket(a, zmq.POLLIN, func(e zmq.State) error {
		msg, _ := a.Recv(0)
		log = append(log, "a: "+msg+" "+e.String())
		// Replace d's handler's socket: a handler may change the Reactor.
		r.RemoveSocket(a)
		d.Send("from d", 0)
		return nil
	})
	r.AddSocket(c, zmq.POLLIN, func(zmq.State) error {
		msg, _ := c.Recv(0)
		log = append(log, "c: "+msg)
		return stop
	})
	if err := r.Run(10 * time.Millisecond); err != stop {
		t.Fatalf("Run: %v, want the handler's error", err)
	}
	want := []string{
		// first time round: no socket ready; both ticks (no limit), two
		// of the values (limit 2)
		"tick 01", "tick 02", "value", "value",
		// then a's message, which sends d's; two more values
		"a: from b POLLIN", "value", "value",
		"c: from d",
	}
	if len(log) != len(want) {
		t.Fatalf("handlers ran %q, want %q", log, want)
	}
	for i := range want {
		if log[i] != want[i] {
			t.Fatalf("handlers ran %q, want %q", log, want)
		}
	}
}

func TestReactorRunErrors(t *testing.T) {
	r := zmq.NewReactor()
	if err := r.Run(time.Millisecond); err == nil {
		t.Error("Run with nothing to do returned nil")
	}
	id := r.AddChannel(make(chan interface{}), 1, func(interface{}) error { return nil })
	if err := r.Run(-1); err == nil {
		t.Error("Run(-1) with a channel returned nil")
	}
	r.RemoveChannel(id)

	ctx, _ := zmq.NewContext()
	s, _ := ctx.NewSocket(zmq.PULL)
	r.AddSocket(s, zmq.POLLIN, func(zmq.State) error { return nil })
	got := make(chan error)
	go func() {
		err := r.Run(-1)
		s.Close()
		got <- err
	}()
	time.Sleep(10 * time.Millisecond)
	ctx.Term()
	if err := <-got; err != zmq.ETERM {
		t.Errorf("Run when the context is terminated: %v, want ETERM", err)
	}
}
