// Command gnet_local_thr is libzmq's local_thr on a gnet event loop: it
// binds, accepts a ZMTP 3.1 (NULL) PUSH peer as a PULL, receives
// message-count messages and prints the throughput, timed from the first
// message to the last.
//
//	gnet_local_thr <bind-to> <message-size> <message-count>
//
// See probe.Env for the GNETPROBE_* switches.
package main

import (
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/panjf2000/gnet/v2"
	"github.com/zring/zring/bench/gnetprobe/internal/probe"
	"github.com/zring/zring/internal/ring"
)

// countSink consumes messages inside OnTraffic: each body is copied into
// one reusable buffer (what delivering it would cost at least) and counted.
type countSink struct {
	size, count, n int
	scratch        []byte
	start          time.Time
	elapsed        time.Duration
	mem            probe.Mem
	memstats       bool
	done           chan struct{}
}

func (k *countSink) got(flags byte, size int) {
	if flags&1 != 0 { // More: PULL from PUSH never sends multipart here
		return
	}
	if size != k.size {
		fmt.Println("message of incorrect size received")
		os.Exit(1)
	}
	k.n++
	if k.n == 1 {
		if k.memstats {
			k.mem = probe.Snap()
		}
		k.start = time.Now()
	}
	if k.n == k.count {
		k.elapsed = time.Since(k.start)
		close(k.done)
	}
}

func (k *countSink) Frame(_ *probe.Session, flags byte, body []byte) bool {
	copy(k.scratch, body)
	k.got(flags, len(body))
	return true
}

func (k *countSink) BigStart(_ *probe.Session, _ byte, size int) []byte {
	if cap(k.scratch) < size {
		k.scratch = make([]byte, size)
	}
	return k.scratch[:size]
}

func (k *countSink) BigEnd(_ *probe.Session, flags byte, body []byte) { k.got(flags, len(body)) }
func (k *countSink) Flush(*probe.Session)                             {}

func main() {
	ep, size, count := probe.Args("<bind-to> <message-size> <message-count>")
	env := probe.ReadEnv()
	var conns atomic.Int32
	one := func() {
		if conns.Add(1) > 1 {
			probe.Die("accept", fmt.Errorf("a second connection; this probe takes one peer"))
		}
	}

	k := &countSink{size: size, count: count, scratch: make([]byte, size), memstats: env.MemStats, done: make(chan struct{})}
	pipe := ring.NewPipe(probe.HWM)
	wake := make(probe.ChanWaker, 1)
	pipe.SetReaderWaker(wake)
	h := &probe.Handler{SocketType: "PULL", NewSink: func(s *probe.Session) probe.Sink {
		one()
		if env.Pipe {
			return probe.NewPipeSink(s, pipe)
		}
		return k
	}}
	go func() {
		if err := gnet.Run(h, ep, env.Options()...); err != nil {
			probe.Die("zmq_bind", err)
		}
	}()

	if !env.Pipe {
		<-k.done
		probe.Throughput(size, count, k.elapsed)
		if env.MemStats {
			k.mem.Report("first..last message", count)
		}
		os.Exit(0)
	}

	var start time.Time
	var mem probe.Mem
	for i := 0; i < count; {
		m := probe.Recv(pipe, wake)
		if m.More() {
			m.Free()
			continue
		}
		if len(m.Data) != size {
			fmt.Println("message of incorrect size received")
			os.Exit(1)
		}
		m.Free()
		i++
		if i == 1 {
			if env.MemStats {
				mem = probe.Snap()
			}
			start = time.Now()
		}
	}
	probe.Throughput(size, count, time.Since(start))
	if env.MemStats {
		mem.Report("first..last message", count)
	}
	os.Exit(0)
}
