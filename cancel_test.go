package zring_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/zring/zring"
)

// TestContextEndsWait: a Recv or Send waiting with no limit of its own
// ends with the context's error when the context is cancelled or its
// deadline passes, over inproc and over tcp (where the socket may be
// waiting on its connection directly), and the socket works afterwards.
func TestContextEndsWait(t *testing.T) {
	for _, ep := range []string{"inproc://ctx-wait", "tcp://127.0.0.1:0"} {
		t.Run(ep[:3], func(t *testing.T) {
			ctx := newCtx(t)
			pull, push := sock(t, ctx, zring.PULL), sock(t, ctx, zring.PUSH)
			pull.SetOption(zring.RcvTimeo, -1)
			addr := bindAt(t, pull, ep)
			if err := push.Connect(addr); err != nil {
				t.Fatal(err)
			}
			mustSendParts(t, push, "first")
			mustRecv(t, pull, "first") // connected both ways

			// Cancelled while waiting.
			c, cancel := context.WithCancel(context.Background())
			time.AfterFunc(50*time.Millisecond, cancel)
			start := time.Now()
			b, err := pull.RecvContext(c, 0)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("RecvContext after cancel: %q, %v; want context.Canceled", b, err)
			}
			if d := time.Since(start); d < 50*time.Millisecond || d > 2*time.Second {
				t.Errorf("RecvContext returned after %v, want about 50 ms", d)
			}
			// A deadline.
			c, cancel = context.WithTimeout(context.Background(), 30*time.Millisecond)
			defer cancel()
			var m zring.Msg
			if err := pull.RecvMsgContext(c, &m, 0); !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("RecvMsgContext past the deadline: %v; want context.DeadlineExceeded", err)
			}
			// The socket goes on: a message sent now arrives, and a late
			// cancel of an earlier call does not end a later one.
			mustSendParts(t, push, "a", "b")
			parts, err := pull.RecvMultipartContext(context.Background(), 0)
			if err != nil || len(parts) != 2 || string(parts[0]) != "a" || string(parts[1]) != "b" {
				t.Fatalf("after the cancels: %q, %v", parts, err)
			}
			c, cancel = context.WithCancel(context.Background())
			sent := make(chan struct{})
			go func() {
				defer close(sent)
				time.Sleep(30 * time.Millisecond)
				push.Send([]byte("late"), 0)
			}()
			b, err = pull.RecvContext(c, 0)
			<-sent // (the PUSH is the test's again)
			if err != nil || string(b) != "late" {
				t.Fatalf("RecvContext: %q, %v", b, err)
			}
			cancel()
		})
	}
}

// TestContextEndsSend: a PUSH with no peer waits in Send; the context ends
// the wait, and nothing of the message is left to go out later.
func TestContextEndsSend(t *testing.T) {
	ctx := newCtx(t)
	push := sock(t, ctx, zring.PUSH)
	push.SetOption(zring.SndTimeo, -1)
	c, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if err := push.SendMultipartContext(c, [][]byte{[]byte("x"), []byte("y")}, 0); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("SendMultipartContext with no peer: %v, want context.DeadlineExceeded", err)
	}
	pull := sock(t, ctx, zring.PULL)
	bindAt(t, pull, "inproc://ctx-send")
	push.Connect("inproc://ctx-send")
	if err := push.SendContext(context.Background(), []byte("z"), 0); err != nil {
		t.Fatal(err)
	}
	mustRecv(t, pull, "z") // not "x": the cancelled message never went
}

// TestContextAlreadyDone: an ended context returns its error at once and
// takes nothing; DontWait and the socket's own timeout still apply.
func TestContextAlreadyDone(t *testing.T) {
	ctx := newCtx(t)
	pull, push := sock(t, ctx, zring.PULL), sock(t, ctx, zring.PUSH)
	bindAt(t, pull, "inproc://ctx-done")
	push.Connect("inproc://ctx-done")
	mustSendParts(t, push, "kept")
	c, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := pull.RecvContext(c, 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("RecvContext with an ended context: %v", err)
	}
	mustRecv(t, pull, "kept")
	c, cancel = context.WithCancel(context.Background())
	defer cancel()
	if _, err := pull.RecvContext(c, zring.DontWait); !errors.Is(err, zring.ErrAgain) {
		t.Fatalf("RecvContext DontWait: %v, want ErrAgain", err)
	}
	pull.SetOption(zring.RcvTimeo, 20)
	if _, err := pull.RecvContext(c, 0); !errors.Is(err, zring.ErrAgain) {
		t.Fatalf("RecvContext past RcvTimeo: %v, want ErrAgain", err)
	}
}

// TestContextNoWaitAllocates: with a message waiting, RecvMsgContext
// allocates nothing more than RecvMsg.
func TestContextNoWaitAllocates(t *testing.T) {
	ctx := newCtx(t)
	pull, push := sock(t, ctx, zring.PULL), sock(t, ctx, zring.PUSH)
	pull.SetOption(zring.RcvHWM, 0)
	push.SetOption(zring.SndHWM, 0)
	bindAt(t, pull, "inproc://ctx-alloc")
	push.Connect("inproc://ctx-alloc")
	for i := 0; i < 300; i++ {
		mustSendParts(t, push, "m")
	}
	c, cancel := context.WithCancel(context.Background())
	defer cancel()
	var m zring.Msg
	allocs := testing.AllocsPerRun(200, func() {
		if err := pull.RecvMsgContext(c, &m, 0); err != nil {
			t.Fatal(err)
		}
		m.Free()
	})
	if allocs != 0 {
		t.Errorf("RecvMsgContext with a message waiting: %v allocations, want 0", allocs)
	}
}

// Sockets, contexts and authenticators close as io.Closers do.
var (
	_ io.Closer = (*zring.Socket)(nil)
	_ io.Closer = (*zring.Context)(nil)
	_ io.Closer = (*zring.Authenticator)(nil)
)
