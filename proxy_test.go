package zring_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/zring/zring"
)

// runProxy starts ProxySteerable on its own goroutine with a PAIR control
// socket, and stops it (TERMINATE, which must make it return nil) before
// the test's sockets are closed. It returns the control socket's peer.
func runProxy(t *testing.T, ctx *zring.Context, front, back, capture *zring.Socket) *zring.Socket {
	t.Helper()
	control, steer := sock(t, ctx, zring.PAIR), sock(t, ctx, zring.PAIR)
	ep := fmt.Sprintf("inproc://proxy-control-%p", control)
	bindAt(t, control, ep)
	if err := steer.Connect(ep); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- zring.ProxySteerable(front, back, capture, control) }()
	t.Cleanup(func() {
		if err := steer.Send([]byte("TERMINATE"), 0); err != nil {
			t.Errorf("TERMINATE: %v", err)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("ProxySteerable after TERMINATE: %v, want nil", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("ProxySteerable did not return after TERMINATE")
		}
	})
	return steer
}

// TestProxySharedQueue: REQ clients, a ROUTER frontend, a DEALER backend,
// REP workers (zmq_proxy's shared queue): every request is answered
// through the proxy, over each transport.
func TestProxySharedQueue(t *testing.T) {
	for _, ep := range endpoints(t) {
		t.Run(ep[:3], func(t *testing.T) {
			ctx := newCtx(t)
			front, back := sock(t, ctx, zring.ROUTER), sock(t, ctx, zring.DEALER)
			feps := bindAt(t, front, ep)
			beps := bindAt(t, back, "inproc://queue-back-"+t.Name())
			runProxy(t, ctx, front, back, nil)
			// Each worker belongs to its goroutine, which closes it once
			// the test is over (before the proxy's and the context's
			// cleanups, which were registered earlier).
			stop := make(chan struct{})
			var running sync.WaitGroup
			for i := 0; i < 2; i++ {
				w := sock(t, ctx, zring.REP) // (its cleanup Close is then a no-op)
				w.SetOption(zring.RcvTimeo, 10)
				if err := w.Connect(beps); err != nil {
					t.Fatal(err)
				}
				running.Add(1)
				go func() {
					defer running.Done()
					defer w.Close()
					for {
						select {
						case <-stop:
							return
						default:
						}
						b, err := w.Recv(0)
						if err != nil {
							continue
						}
						if w.Send(append(b, fmt.Sprintf(" by %d", i)...), 0) != nil {
							return
						}
					}
				}()
			}
			t.Cleanup(func() { close(stop); running.Wait() })
			for c := 0; c < 3; c++ {
				req := sock(t, ctx, zring.REQ)
				if err := req.Connect(feps); err != nil {
					t.Fatal(err)
				}
				for i := 0; i < 10; i++ {
					want := fmt.Sprintf("req %d.%d", c, i)
					if err := req.Send([]byte(want), 0); err != nil {
						t.Fatal(err)
					}
					got, err := req.Recv(0)
					if err != nil {
						t.Fatal(err)
					}
					if string(got) != want+" by 0" && string(got) != want+" by 1" {
						t.Fatalf("reply %q to %q", got, want)
					}
				}
			}
		})
	}
}

// TestProxyForwarder: PUB → XSUB frontend, XPUB backend → SUB. The SUB's
// subscription goes up through the proxy, and only matching messages come
// down.
func TestProxyForwarder(t *testing.T) {
	ctx := newCtx(t)
	front, back := sock(t, ctx, zring.XSUB), sock(t, ctx, zring.XPUB)
	feps := bindAt(t, front, "tcp://127.0.0.1:0")
	beps := bindAt(t, back, "tcp://127.0.0.1:0")
	runProxy(t, ctx, front, back, nil)
	pub, sub := sock(t, ctx, zring.PUB), sock(t, ctx, zring.SUB)
	if err := pub.Connect(feps); err != nil {
		t.Fatal(err)
	}
	sub.SetOption(zring.Subscribe, "a")
	if err := sub.Connect(beps); err != nil {
		t.Fatal(err)
	}
	// Publish until the subscription has made it through.
	deadline := time.Now().Add(5 * time.Second)
	sub.SetOption(zring.RcvTimeo, 20)
	for {
		pub.Send([]byte("b not this"), 0)
		pub.Send([]byte("a this"), 0)
		if b, err := sub.Recv(0); err == nil {
			if string(b) != "a this" {
				t.Fatalf("got %q", b)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no message through the forwarder in 5 s")
		}
	}
}

// TestProxyCaptureAndStatistics: a PULL/PUSH streamer with a capture
// socket. The capture gets every frame with its More flag, and STATISTICS
// counts whole messages and their bytes as libzmq 4.3.4 does.
func TestProxyCaptureAndStatistics(t *testing.T) {
	ctx := newCtx(t)
	front, back := sock(t, ctx, zring.PULL), sock(t, ctx, zring.PUSH)
	capture, tap := sock(t, ctx, zring.PUSH), sock(t, ctx, zring.PULL)
	bindAt(t, front, "inproc://stream-front")
	bindAt(t, back, "inproc://stream-back")
	bindAt(t, tap, "inproc://stream-tap")
	if err := capture.Connect("inproc://stream-tap"); err != nil {
		t.Fatal(err)
	}
	in, out := sock(t, ctx, zring.PUSH), sock(t, ctx, zring.PULL)
	in.Connect("inproc://stream-front")
	out.Connect("inproc://stream-back")
	steer := runProxy(t, ctx, front, back, capture)
	const n = 100
	for i := 0; i < n; i++ {
		mustSendParts(t, in, "head", fmt.Sprintf("body %03d", i)) // 4 + 8 bytes
	}
	for i := 0; i < n; i++ {
		want := []string{"head", fmt.Sprintf("body %03d", i)}
		if got := mustRecvParts(t, out); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("forwarded %q, want %q", got, want)
		}
		if got := mustRecvParts(t, tap); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("captured %q, want %q", got, want)
		}
	}
	mustSendParts(t, steer, "STATISTICS")
	stats := mustRecvParts(t, steer)
	if len(stats) != 8 {
		t.Fatalf("STATISTICS: %d frames, want 8", len(stats))
	}
	want := []uint64{n, 12 * n, 0, 0, 0, 0, n, 12 * n}
	for i, s := range stats {
		if len(s) != 8 {
			t.Fatalf("STATISTICS frame %d: %d bytes, want 8", i, len(s))
		}
		if v := binary.LittleEndian.Uint64([]byte(s)); v != want[i] {
			t.Errorf("STATISTICS frame %d = %d, want %d", i, v, want[i])
		}
	}
	// The command itself was captured too.
	if got := mustRecvParts(t, tap); len(got) != 1 || got[0] != "STATISTICS" {
		t.Fatalf("captured %q, want the STATISTICS command", got)
	}
}

// TestProxyPauseResume: while paused nothing is forwarded and the
// messages wait; RESUME delivers them in order.
func TestProxyPauseResume(t *testing.T) {
	ctx := newCtx(t)
	front, back := sock(t, ctx, zring.PULL), sock(t, ctx, zring.PUSH)
	bindAt(t, front, "inproc://pause-front")
	bindAt(t, back, "inproc://pause-back")
	in, out := sock(t, ctx, zring.PUSH), sock(t, ctx, zring.PULL)
	in.Connect("inproc://pause-front")
	out.Connect("inproc://pause-back")
	steer := runProxy(t, ctx, front, back, nil)
	mustSendParts(t, in, "1")
	mustRecv(t, out, "1")
	mustSendParts(t, steer, "PAUSE")
	// The proxy has the command once a STATISTICS sent after it is answered.
	mustSendParts(t, steer, "STATISTICS")
	mustRecvParts(t, steer)
	mustSendParts(t, in, "2")
	mustSendParts(t, in, "3")
	out.SetOption(zring.RcvTimeo, 100)
	if b, err := out.Recv(0); !errors.Is(err, zring.ErrAgain) {
		t.Fatalf("while paused: got %q, %v; want ErrAgain", b, err)
	}
	out.SetOption(zring.RcvTimeo, 5000)
	mustSendParts(t, steer, "RESUME")
	mustRecv(t, out, "2")
	mustRecv(t, out, "3")
}

// TestProxyRepControl: a REP control socket gets an empty reply to each
// command but STATISTICS (which is its reply), so it can go on sending.
func TestProxyRepControl(t *testing.T) {
	ctx := newCtx(t)
	front, back := sock(t, ctx, zring.PULL), sock(t, ctx, zring.PUSH)
	bindAt(t, front, "inproc://rep-front")
	bindAt(t, back, "inproc://rep-back")
	control, req := sock(t, ctx, zring.REP), sock(t, ctx, zring.REQ)
	bindAt(t, control, "inproc://rep-control")
	req.Connect("inproc://rep-control")
	done := make(chan error, 1)
	go func() { done <- zring.ProxySteerable(front, back, nil, control) }()
	for _, cmd := range []string{"PAUSE", "RESUME"} {
		mustSendParts(t, req, cmd)
		if got := mustRecvParts(t, req); len(got) != 1 || got[0] != "" {
			t.Fatalf("reply to %s: %q, want one empty frame", cmd, got)
		}
	}
	mustSendParts(t, req, "STATISTICS")
	if got := mustRecvParts(t, req); len(got) != 8 {
		t.Fatalf("reply to STATISTICS: %d frames", len(got))
	}
	mustSendParts(t, req, "TERMINATE")
	mustRecvParts(t, req)
	if err := <-done; err != nil {
		t.Fatalf("after TERMINATE: %v", err)
	}
}

// TestProxyBadInput: missing sockets are ErrFault (EFAULT, as zmq_proxy);
// an unknown command or one of several frames ends the proxy with
// ErrInvalid (libzmq 4.3.4 aborts the process); a terminated context ends
// it with ErrTerm.
func TestProxyBadInput(t *testing.T) {
	ctx := newCtx(t)
	s := sock(t, ctx, zring.PAIR)
	if err := zring.Proxy(nil, s, nil); !errors.Is(err, zring.ErrFault) {
		t.Errorf("Proxy(nil, s, nil) = %v, want ErrFault", err)
	}
	if err := zring.ProxySteerable(s, nil, nil, nil); !errors.Is(err, zring.ErrFault) {
		t.Errorf("ProxySteerable(s, nil, nil, nil) = %v, want ErrFault", err)
	}
	for i, cmd := range [][]string{{"STOP"}, {"PAUSE", "now"}, {""}} {
		front, back := sock(t, ctx, zring.PULL), sock(t, ctx, zring.PUSH)
		control, steer := sock(t, ctx, zring.PAIR), sock(t, ctx, zring.PAIR)
		ep := fmt.Sprintf("inproc://bad-control-%d", i)
		bindAt(t, control, ep)
		steer.Connect(ep)
		done := make(chan error, 1)
		go func() { done <- zring.ProxySteerable(front, back, nil, control) }()
		mustSendParts(t, steer, cmd...)
		select {
		case err := <-done:
			if !errors.Is(err, zring.ErrInvalid) {
				t.Errorf("command %q: %v, want ErrInvalid", cmd, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("command %q: the proxy goes on", cmd)
		}
	}

	ctx2, err := zring.NewContext()
	if err != nil {
		t.Fatal(err)
	}
	front, _ := ctx2.NewSocket(zring.ROUTER)
	back, _ := ctx2.NewSocket(zring.DEALER)
	done := make(chan error, 1)
	go func() {
		done <- zring.Proxy(front, back, nil)
		front.Close()
		back.Close()
	}()
	time.Sleep(10 * time.Millisecond)
	ctx2.Shutdown()
	select {
	case err := <-done:
		if !errors.Is(err, zring.ErrTerm) {
			t.Errorf("after Shutdown: %v, want ErrTerm", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Proxy did not return after the context's Shutdown")
	}
	ctx2.Term()
}

// BenchmarkProxy: 64-byte messages from a PUSH through a PULL/PUSH proxy
// to a PULL, all inproc; 0 allocations per forwarded message.
func BenchmarkProxy(b *testing.B) {
	ctx := newCtx(b)
	front, back := sock(b, ctx, zring.PULL), sock(b, ctx, zring.PUSH)
	bindAt(b, front, "inproc://bench-front")
	bindAt(b, back, "inproc://bench-back")
	in, out := sock(b, ctx, zring.PUSH), sock(b, ctx, zring.PULL)
	in.Connect("inproc://bench-front")
	out.Connect("inproc://bench-back")
	control, steer := sock(b, ctx, zring.PAIR), sock(b, ctx, zring.PAIR)
	bindAt(b, control, "inproc://bench-control")
	steer.Connect("inproc://bench-control")
	done := make(chan error, 1)
	go func() { done <- zring.ProxySteerable(front, back, nil, control) }()
	go func() {
		payload := make([]byte, 64)
		for i := 0; i < b.N; i++ {
			m := in.NewMsg(64)
			copy(m.Data, payload)
			if err := in.SendMsg(&m, 0); err != nil {
				return
			}
		}
	}()
	b.ReportAllocs()
	b.SetBytes(64)
	b.ResetTimer()
	var m zring.Msg
	for i := 0; i < b.N; i++ {
		if err := out.RecvMsg(&m, 0); err != nil {
			b.Fatal(err)
		}
		m.Free()
	}
	b.StopTimer()
	steer.Send([]byte("TERMINATE"), 0)
	<-done
}
