package zring_test

import (
	"testing"

	"github.com/zring/zring"
)

// benchThroughput pushes b.N messages of size bytes, in frames from
// zring.NewMsg, from a PUSH goroutine to a PULL over ep, which receives
// them into pooled frames: the steady state must allocate nothing.
func benchThroughput(b *testing.B, ep string, size int) {
	benchStream(b, ep, size, func(push *zring.Socket, _ []byte) error {
		m := zring.NewMsg(size)
		return push.SendMsg(&m, 0)
	})
}

func benchStream(b *testing.B, ep string, size int, send func(push *zring.Socket, body []byte) error) {
	ctx := newCtx(b)
	pull := sock(b, ctx, zring.PULL)
	push := sock(b, ctx, zring.PUSH)
	push.Connect(bindAt(b, pull, ep))
	body := make([]byte, size)
	var in zring.Msg
	for i := 0; i < 1000; i++ { // warm up the pools and the connection
		send(push, body)
		pull.RecvMsg(&in, 0)
		in.Free()
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < b.N; i++ {
			if err := send(push, body); err != nil {
				b.Error(err)
				return
			}
		}
	}()
	for i := 0; i < b.N; i++ {
		if err := pull.RecvMsg(&in, 0); err != nil {
			b.Fatal(err)
		}
		in.Free()
	}
	<-done
}

func BenchmarkPushPullInproc8(b *testing.B) { benchThroughput(b, "inproc://bench", 8) }
func BenchmarkPushPullTCP8(b *testing.B)    { benchThroughput(b, "tcp://127.0.0.1:0", 8) }
func BenchmarkPushPullTCP1K(b *testing.B)   { benchThroughput(b, "tcp://127.0.0.1:0", 1024) }
func BenchmarkPushPullTCP64K(b *testing.B)  { benchThroughput(b, "tcp://127.0.0.1:0", 64<<10) }
func BenchmarkPushPullIPC64(b *testing.B)   { benchThroughput(b, "ipc://"+b.TempDir()+"/b", 64) }

// BenchmarkReqRepTCP measures 64 B round trips.
func BenchmarkReqRepTCP(b *testing.B) {
	ctx := newCtx(b)
	rep := sock(b, ctx, zring.REP)
	req := sock(b, ctx, zring.REQ)
	req.Connect(bindAt(b, rep, "tcp://127.0.0.1:0"))
	go func() {
		var m zring.Msg
		for {
			if rep.RecvMsg(&m, 0) != nil || rep.SendMsg(&m, 0) != nil {
				return
			}
		}
	}()
	var in zring.Msg
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m := zring.NewMsg(64)
		if err := req.SendMsg(&m, 0); err != nil {
			b.Fatal(err)
		}
		if err := req.RecvMsg(&in, 0); err != nil {
			b.Fatal(err)
		}
		in.Free()
	}
}

// TestSteadyStateAllocs checks that the inproc and tcp message paths
// allocate nothing per message once warm.
func TestSteadyStateAllocs(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("allocation counts need a build without -race")
	}
	for _, ep := range []string{"inproc://allocs", "tcp://127.0.0.1:0"} {
		ctx := newCtx(t)
		pull := sock(t, ctx, zring.PULL)
		push := sock(t, ctx, zring.PUSH)
		push.Connect(bindAt(t, pull, ep))
		var in zring.Msg
		round := func() {
			m := zring.NewMsg(64)
			push.SendMsg(&m, 0)
			pull.RecvMsg(&in, 0)
			in.Free()
		}
		for i := 0; i < 2000; i++ {
			round()
		}
		// Only this goroutine's allocations matter less than the process's:
		// AllocsPerRun counts all, the loop included.
		if a := testing.AllocsPerRun(2000, round); a > 0.05 {
			t.Errorf("%s: %.3f allocations per message", ep, a)
		}
	}
}

// benchSendCopy streams with Send([]byte), zmq_send's copying form, which
// carves small frames from the socket's slab.
func benchSendCopy(b *testing.B, ep string, size int) {
	benchStream(b, ep, size, func(push *zring.Socket, body []byte) error { return push.Send(body, 0) })
}

func BenchmarkSendCopyTCP8(b *testing.B)    { benchSendCopy(b, "tcp://127.0.0.1:0", 8) }
func BenchmarkSendCopyInproc8(b *testing.B) { benchSendCopy(b, "inproc://copy", 8) }
