package zmq4_test

import (
	"math"
	"runtime"
	"syscall"
	"testing"
	"time"

	zmq "github.com/zring/zring/zmq4"
)

// TestContextOptions checks each context option's default, what it keeps
// and what it refuses, as libzmq 4.3.4's zmq_ctx_set and zmq_ctx_get do
// (measured through pyzmq).
func TestContextOptions(t *testing.T) {
	einval := zmq.Errno(syscall.EINVAL)
	intOptions := []struct {
		name string
		set  func(*zmq.Context, int) error
		get  func(*zmq.Context) (int, error)
		dflt int
		good []int
		bad  []int
	}{
		{"IO_THREADS", (*zmq.Context).SetIoThreads, (*zmq.Context).GetIoThreads, 1, []int{0, 1, 5}, []int{-1, -2}},
		{"MAX_SOCKETS", (*zmq.Context).SetMaxSockets, (*zmq.Context).GetMaxSockets, 1023, []int{1, 5, math.MaxInt32}, []int{0, -1}},
		{"MAX_MSGSZ", (*zmq.Context).SetMaxMsgsz, (*zmq.Context).GetMaxMsgsz, math.MaxInt32, []int{0, 1, math.MaxInt32}, []int{-1, -2}},
		{"THREAD_PRIORITY", (*zmq.Context).SetThreadPriority, nil, 0, []int{0, 5}, []int{-1}},
		{"THREAD_SCHED_POLICY", (*zmq.Context).SetThreadSchedPolicy, nil, 0, []int{0, 1}, []int{-1, -2}},
	}
	for _, o := range intOptions {
		ctx := newContext(t)
		if o.get != nil {
			if v, err := o.get(ctx); v != o.dflt || err != nil {
				t.Errorf("%s default: %d %v, want %d", o.name, v, err, o.dflt)
			}
		}
		for _, v := range o.good {
			if err := o.set(ctx, v); err != nil {
				t.Errorf("%s = %d: %v", o.name, v, err)
			}
			if o.get != nil {
				if got, _ := o.get(ctx); got != v {
					t.Errorf("%s = %d reads back %d", o.name, v, got)
				}
			}
		}
		for _, v := range o.bad {
			if err := o.set(ctx, v); err != einval {
				t.Errorf("%s = %d: %v, want EINVAL", o.name, v, err)
			}
		}
	}
	ctx := newContext(t)
	if v, _ := ctx.GetBlocky(); !v {
		t.Error("BLOCKY is not true by default")
	}
	if v, _ := ctx.GetIpv6(); v {
		t.Error("IPV6 is not false by default")
	}
	if !ctx.GetRetryAfterEINTR() {
		t.Error("RetryAfterEINTR is not true by default")
	}
	ctx.SetRetryAfterEINTR(false)
	if ctx.GetRetryAfterEINTR() {
		t.Error("SetRetryAfterEINTR(false) did not keep")
	}
}

// "ZMQ_BLOCKY ... false": sockets made afterwards start with linger 0;
// ZMQ_IPV6 likewise becomes the new sockets' default.
func TestContextSocketDefaults(t *testing.T) {
	ctx := newContext(t)
	before := newSocket(t, ctx, zmq.DEALER)
	before.SetLinger(-1)
	ctx.SetBlocky(false)
	ctx.SetIpv6(true)
	after, _ := ctx.NewSocket(zmq.DEALER)
	t.Cleanup(func() { after.Close() })
	if l, _ := after.GetLinger(); l != 0 {
		t.Errorf("linger of a socket made when not blocky: %v, want 0", l)
	}
	if v, _ := after.GetIpv6(); !v {
		t.Error("a socket made after SetIpv6(true) has IPV6 off")
	}
	if l, _ := before.GetLinger(); l != -1 {
		t.Errorf("linger of an earlier socket changed: %v", l)
	}
	if v, _ := before.GetIpv6(); v {
		t.Error("IPV6 of an earlier socket changed")
	}
}

// "ZMQ_MAX_SOCKETS": past it zmq_socket fails with EMFILE; the value in
// force is the one set before the first socket.
func TestContextMaxSockets(t *testing.T) {
	ctx := newContext(t)
	ctx.SetMaxSockets(2)
	a := newSocket(t, ctx, zmq.PAIR)
	newSocket(t, ctx, zmq.PAIR)
	ctx.SetMaxSockets(10) // too late, as in libzmq
	if _, err := ctx.NewSocket(zmq.PAIR); err != zmq.Errno(syscall.EMFILE) {
		t.Fatalf("third socket of 2: %v, want EMFILE", err)
	}
	if n, _ := ctx.GetMaxSockets(); n != 10 {
		t.Errorf("GetMaxSockets after a late set: %d, want 10 (kept, not in force)", n)
	}
	a.Close()
	c, err := ctx.NewSocket(zmq.PAIR)
	if err != nil {
		t.Fatalf("a socket after one was closed: %v", err)
	}
	c.Close()
}

// "ZMQ_IO_THREADS ... 0": inproc works, other transports fail with
// EMTHREAD, as libzmq's Bind and Connect do.
func TestContextNoIOThreads(t *testing.T) {
	ctx := newContext(t)
	ctx.SetIoThreads(0)
	s := newSocket(t, ctx, zmq.PAIR)
	if err := s.Bind("tcp://127.0.0.1:*"); err != zmq.EMTHREAD {
		t.Errorf("tcp bind: %v, want EMTHREAD", err)
	}
	if err := s.Connect("ipc:///tmp/zmq4-no-io-threads"); err != zmq.EMTHREAD {
		t.Errorf("ipc connect: %v, want EMTHREAD", err)
	}
	if err := s.Bind("inproc://no-io-threads"); err != nil {
		t.Errorf("inproc bind: %v", err)
	}
	peer := newSocket(t, ctx, zmq.PAIR)
	peer.Connect("inproc://no-io-threads")
	peer.Send("over inproc", 0)
	s.SetRcvtimeo(time.Second)
	if msg, err := s.Recv(0); msg != "over inproc" || err != nil {
		t.Errorf("Recv: %q %v", msg, err)
	}
}

func TestDefaultContext(t *testing.T) {
	// The default context is shared with the examples and the other
	// tests: it is not terminated here.
	s, err := zmq.NewSocket(zmq.PAIR)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, _ := zmq.GetIoThreads(); n != zmq.IoThreadsDflt {
		t.Errorf("default IO threads %d", n)
	}
	if n, _ := zmq.GetMaxSockets(); n != zmq.MaxSocketsDflt {
		t.Errorf("default MAX_SOCKETS %d", n)
	}
	ctx, _ := s.Context()
	if n, _ := ctx.GetMaxMsgsz(); n != math.MaxInt32 {
		t.Errorf("default MAX_MSGSZ %d", n)
	}
	if err := zmq.SetMaxMsgsz(-1); err != zmq.Errno(syscall.EINVAL) {
		t.Errorf("SetMaxMsgsz(-1): %v", err)
	}
}

// A socket the program drops without Close is closed when the garbage
// collector finds it, so that Term does not wait for it forever.
func TestDroppedSocketIsClosed(t *testing.T) {
	ctx, _ := zmq.NewContext()
	func() {
		s, _ := ctx.NewSocket(zmq.PUSH)
		s.Bind("inproc://dropped")
	}()
	for deadline := time.Now().Add(5 * time.Second); zmq.OpenSockets(ctx) > 0; {
		if time.Now().After(deadline) {
			t.Fatal("the dropped socket was not closed")
		}
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	terminated := make(chan error)
	go func() { terminated <- ctx.Term() }()
	select {
	case err := <-terminated:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Term waits for a dropped socket")
	}
}

// A context the program drops without Term is terminated when the garbage
// collector finds it, with its sockets, so its I/O loops do not leak.
func TestDroppedContextIsTerminated(t *testing.T) {
	before := runtime.NumGoroutine()
	for i := 0; i < 20; i++ {
		ctx, _ := zmq.NewContext()
		s, _ := ctx.NewSocket(zmq.PAIR)
		s.Bind("tcp://127.0.0.1:*")
	}
	for deadline := time.Now().Add(10 * time.Second); runtime.NumGoroutine() > before+5; {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines before, %d after dropping 20 contexts", before, runtime.NumGoroutine())
		}
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
	}
}
