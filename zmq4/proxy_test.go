package zmq4_test

import (
	"encoding/binary"
	"syscall"
	"testing"
	"time"

	zmq "github.com/zring/zring/zmq4"
)

// ProxySteerable between a PUSH and a PULL, steered over a PAIR: messages
// flow, STATISTICS counts them, TERMINATE ends it with nil, and the
// sockets can then go back into a Poller.
func TestProxySteerable(t *testing.T) {
	ctx := newContext(t)
	frontend := newSocket(t, ctx, zmq.PULL)
	frontend.Bind("inproc://proxy-in")
	backend := newSocket(t, ctx, zmq.PUSH)
	backend.Bind("inproc://proxy-out")
	control := newSocket(t, ctx, zmq.PAIR)
	control.Bind("inproc://proxy-control")
	steer := newSocket(t, ctx, zmq.PAIR)
	steer.Connect("inproc://proxy-control")
	steer.SetRcvtimeo(5 * time.Second)
	in := newSocket(t, ctx, zmq.PUSH)
	in.Connect("inproc://proxy-in")
	out := newSocket(t, ctx, zmq.PULL)
	out.Connect("inproc://proxy-out")
	out.SetRcvtimeo(5 * time.Second)

	// The sockets were in a Poller: the proxy takes their wake-ups.
	p := zmq.NewPoller()
	p.Add(frontend, zmq.POLLIN)
	p.Poll(0)

	done := make(chan error)
	go func() { done <- zmq.ProxySteerable(frontend, backend, nil, control) }()
	in.SendMessage("a", "bc")
	if msg, err := out.RecvMessage(0); len(msg) != 2 || err != nil {
		t.Fatalf("through the proxy: %q %v", msg, err)
	}
	steer.Send("STATISTICS", 0)
	stats, err := steer.RecvMessageBytes(0)
	if err != nil || len(stats) != 8 {
		t.Fatalf("STATISTICS: %d frames, %v", len(stats), err)
	}
	// frontend: messages and bytes in, out; backend: the same.
	want := []uint64{1, 3, 0, 0, 0, 0, 1, 3}
	for i, f := range stats {
		if got := binary.LittleEndian.Uint64(f); got != want[i] {
			t.Errorf("statistic %d = %d, want %d", i, got, want[i])
		}
	}
	steer.Send("TERMINATE", 0)
	if err := <-done; err != nil {
		t.Fatalf("ProxySteerable after TERMINATE: %v", err)
	}

	in.Send("after", 0)
	if polled, err := p.Poll(5 * time.Second); err != nil || len(polled) != 1 {
		t.Fatalf("Poll after the proxy: %v %v", polled, err)
	}
}

func TestProxyErrors(t *testing.T) {
	ctx := newContext(t)
	s := newSocket(t, ctx, zmq.PAIR)
	if err := zmq.Proxy(nil, s, nil); err != zmq.Errno(syscall.EFAULT) {
		t.Errorf("Proxy without a frontend: %v, want EFAULT", err)
	}
	closed, _ := ctx.NewSocket(zmq.PAIR)
	closed.Close()
	if err := zmq.Proxy(s, closed, nil); err != zmq.ErrorSocketClosed {
		t.Errorf("Proxy with a closed socket: %v", err)
	}

	front := newSocket(t, ctx, zmq.PULL)
	back := newSocket(t, ctx, zmq.PUSH)
	control := newSocket(t, ctx, zmq.PAIR)
	control.Bind("inproc://proxy-bad-command")
	steer := newSocket(t, ctx, zmq.PAIR)
	steer.Connect("inproc://proxy-bad-command")
	done := make(chan error)
	go func() { done <- zmq.ProxySteerable(front, back, nil, control) }()
	steer.Send("REBOOT", 0)
	if err := <-done; err != zmq.Errno(syscall.EINVAL) {
		t.Errorf("an unknown command: %v, want EINVAL", err)
	}
}
