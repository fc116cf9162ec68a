// Command inproc_thr is libzmq's inproc_thr on zring: a PUSH goroutine
// sends message-count messages over inproc to a PULL socket.
//
//	inproc_thr <message-size> <message-count>
package main

import (
	"github.com/zring/zring"
	"github.com/zring/zring/tools/perf/internal/perf"
)

func main() {
	defer perf.Profile()()
	_, size, count := perf.Args("<message-size> <message-count>", false)
	ctx, s := perf.Open(zring.PULL, "inproc://thr_test", true)
	done := make(chan struct{})
	go func() {
		defer close(done)
		p := perf.Attach(ctx, zring.PUSH, "inproc://thr_test", false)
		perf.Pump(p, size, count)
		p.Close()
	}()
	elapsed := perf.Drain(s, size, count)
	<-done
	perf.Throughput(size, count, elapsed)
	s.Close()
	ctx.Term()
}
