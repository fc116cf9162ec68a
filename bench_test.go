package zring_test

import (
	"bytes"
	"fmt"
	"io"
	"syscall"
	"testing"
	"time"

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
	benchStreamIn(b, newCtx(b), ep, size, send)
}

func benchStreamIn(b *testing.B, ctx *zring.Context, ep string, size int, send func(push *zring.Socket, body []byte) error) {
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

// BenchmarkPushPullTCP8Paths: 8 B messages sent and received on the
// sockets' own goroutines (the defaults: direct sends into the
// connection's buffer, receives from the local queue a wait fills), and
// through the pipes and the loop both ways.
func BenchmarkPushPullTCP8Paths(b *testing.B) {
	for _, c := range []struct {
		name string
		opts []zring.ContextOption
	}{
		{"conn", nil},
		{"loop", []zring.ContextOption{zring.SendOnConnection(false), zring.WaitOnConnection(false)}},
	} {
		b.Run(c.name, func(b *testing.B) {
			ctx := newCtx(b, c.opts...)
			benchStreamIn(b, ctx, "tcp://127.0.0.1:0", 8, func(push *zring.Socket, _ []byte) error {
				m := zring.NewMsg(8)
				return push.SendMsg(&m, 0)
			})
		})
	}
}

// BenchmarkReqRepTCP measures 64 B round trips: spinning (the default),
// and without spinning, each Recv waiting on its connection or behind the
// loop.
func BenchmarkReqRepTCP(b *testing.B) {
	for _, c := range []struct {
		name string
		opts []zring.ContextOption
	}{
		{"spin", nil},
		{"conn", []zring.ContextOption{zring.Spin(0)}},
		{"loop", []zring.ContextOption{zring.Spin(0), zring.WaitOnConnection(false)}},
	} {
		b.Run(c.name, func(b *testing.B) {
			ctx := newCtx(b, c.opts...)
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
			b.StopTimer()
		})
	}
}

// TestSteadyStateAllocs checks that the inproc and tcp message paths
// allocate nothing per message once warm.
func TestSteadyStateAllocs(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("allocation counts need a build without -race")
	}
	for _, c := range []struct {
		ep   string
		opts []zring.ContextOption
	}{
		{"inproc://allocs", nil},
		{"tcp://127.0.0.1:0", nil},
		{"tcp://127.0.0.1:0", []zring.ContextOption{zring.Spin(0)}}, // Recv waits on the connection
		{"tcp://127.0.0.1:0", []zring.ContextOption{zring.Spin(0), zring.WaitOnConnection(false)}}, // behind the loop
	} {
		ep := c.ep
		ctx := newCtx(t, c.opts...)
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
			t.Errorf("%s %d options: %.3f allocations per message", ep, len(c.opts), a)
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

// BenchmarkSporadicRecvCPU measures what spinning costs a socket whose
// messages come apart: a PULL waits for messages sent every 200 µs, and
// the metric is the process's CPU time (user+sys, getrusage) per message.
// With a fixed spin, each wait would burn the whole spin time; adaptive
// spinning (sockets.Socket.adaptSpin) should bring that back near the
// no-spin figure.
func BenchmarkSporadicRecvCPU(b *testing.B) {
	for _, spin := range []time.Duration{0, 50 * time.Microsecond, 200 * time.Microsecond} {
		b.Run(fmt.Sprintf("spin=%v", spin), func(b *testing.B) {
			ctx, err := zring.NewContext(zring.Spin(spin))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { ctx.Term() }) // after the sockets' Close (cleanups run last first)
			pull := sock(b, ctx, zring.PULL)
			push := sock(b, ctx, zring.PUSH)
			push.Connect(bindAt(b, pull, "tcp://127.0.0.1:0"))
			push.Send([]byte("warm"), 0)
			pull.Recv(0)
			done := make(chan struct{})
			go func() {
				defer close(done)
				for i := 0; i < b.N; i++ {
					time.Sleep(200 * time.Microsecond)
					push.Send([]byte("tick"), 0)
				}
			}()
			before := cpuTime(b)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := pull.Recv(0); err != nil {
					b.Fatal(err)
				}
			}
			<-done
			b.ReportMetric(float64((cpuTime(b)-before).Microseconds())/float64(b.N), "cpu-µs/msg")
		})
	}
}

func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkManySocketsCPU is the case spinning could hurt: 64 PUSH → PULL
// pairs over tcp in one context, every pair in its own goroutines, all
// busy at once on a machine with fewer cores than waiting sockets. It
// reports aggregate messages per second and process CPU per message.
func BenchmarkManySocketsCPU(b *testing.B) {
	benchManyPairs(b, zring.PULL, zring.PUSH, "msg",
		func(pull *zring.Socket, m *zring.Msg) error {
			err := pull.RecvMsg(m, 0)
			m.Free()
			return err
		},
		func(push *zring.Socket, _ *zring.Msg) error {
			out := push.NewMsg(64)
			return push.SendMsg(&out, 0)
		})
}

// BenchmarkManyReqRepCPU: 64 REQ/REP pairs over tcp doing round trips at
// once, so that on a small machine every socket waits on every message:
// the worst case for spinning. It reports aggregate round trips per
// second and process CPU per round trip.
func BenchmarkManyReqRepCPU(b *testing.B) {
	benchManyPairs(b, zring.REP, zring.REQ, "rt",
		func(rep *zring.Socket, m *zring.Msg) error {
			if err := rep.RecvMsg(m, 0); err != nil {
				return err
			}
			return rep.SendMsg(m, 0)
		},
		func(req *zring.Socket, m *zring.Msg) error {
			q := req.NewMsg(64)
			if err := req.SendMsg(&q, 0); err != nil {
				return err
			}
			err := req.RecvMsg(m, 0)
			m.Free()
			return err
		})
}

// benchManyPairs runs 64 pairs of sockets (binder bound over tcp,
// connecter connected to it) with each spin setting, each socket in its
// own goroutine doing its step b.N/64 times, and reports the aggregate
// rate and the process's CPU time per unit ("msg" or "rt").
func benchManyPairs(b *testing.B, binder, connecter zring.SocketType, unit string, bindStep, connStep func(*zring.Socket, *zring.Msg) error) {
	const pairs = 64
	for _, spin := range []time.Duration{0, 50 * time.Microsecond, 200 * time.Microsecond} {
		b.Run(fmt.Sprintf("spin=%v", spin), func(b *testing.B) {
			ctx, err := zring.NewContext(zring.Spin(spin))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { ctx.Term() })
			type job struct {
				s    *zring.Socket
				step func(*zring.Socket, *zring.Msg) error
			}
			var jobs []job
			for range pairs {
				bs, cs := sock(b, ctx, binder), sock(b, ctx, connecter)
				cs.Connect(bindAt(b, bs, "tcp://127.0.0.1:0"))
				jobs = append(jobs, job{bs, bindStep}, job{cs, connStep})
			}
			per := max(b.N/pairs, 1)
			before := cpuTime(b)
			start := time.Now()
			b.ResetTimer()
			errs := make(chan error, len(jobs))
			for _, j := range jobs {
				go func() {
					var m zring.Msg
					for range per {
						if err := j.step(j.s, &m); err != nil {
							errs <- err
							return
						}
					}
					errs <- nil
				}()
			}
			for range jobs {
				if err := <-errs; err != nil {
					b.Fatal(err)
				}
			}
			n := float64(per * pairs)
			b.ReportMetric(n/time.Since(start).Seconds(), unit+"/s")
			b.ReportMetric(float64((cpuTime(b)-before).Nanoseconds())/n, "cpu-ns/"+unit)
		})
	}
}

// BenchmarkOneSideTCP8 measures each side of an 8 B stream alone, against
// a plain TCP peer that costs next to nothing per message: "send", a PUSH
// sending to a peer that reads and discards; "recv", a PULL receiving
// from a peer that writes the same frames over and over from one buffer.
// ns/op is then that side's cost per message, which the two-socket
// benchmarks above blur into whichever side is slower.
func BenchmarkOneSideTCP8(b *testing.B) {
	b.Run("send", func(b *testing.B) {
		push := sock(b, newCtx(b), zring.PUSH)
		c := dialRaw(b, tcpAddr(b, bindAt(b, push, "tcp://127.0.0.1:0")))
		rawHandshake(b, c, "PULL")
		go io.Copy(io.Discard, c)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			m := push.NewMsg(8)
			if err := push.SendMsg(&m, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("recv", func(b *testing.B) {
		pull := sock(b, newCtx(b), zring.PULL)
		c := dialRaw(b, tcpAddr(b, bindAt(b, pull, "tcp://127.0.0.1:0")))
		rawHandshake(b, c, "PUSH")
		frames := bytes.Repeat([]byte{0, 8, 1, 2, 3, 4, 5, 6, 7, 8}, 6400)
		go func() {
			for {
				if _, err := c.Write(frames); err != nil {
					return
				}
			}
		}()
		var in zring.Msg
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if err := pull.RecvMsg(&in, 0); err != nil {
				b.Fatal(err)
			}
			in.Free()
		}
	})
}
