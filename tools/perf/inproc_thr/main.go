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
	_, size, count := perf.Args("<message-size> <message-count>", false)
	ctx, err := zring.NewContext()
	if err != nil {
		perf.Die("zmq_init", err)
	}
	s := perf.Must(ctx.NewSocket(zring.PULL))
	if err := s.Bind("inproc://thr_test"); err != nil {
		perf.Die("zmq_bind", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		p := perf.Must(ctx.NewSocket(zring.PUSH))
		if err := p.Connect("inproc://thr_test"); err != nil {
			perf.Die("zmq_connect", err)
		}
		perf.Pump(p, size, count)
		p.Close()
	}()
	elapsed := perf.Drain(s, size, count)
	<-done
	perf.Throughput(size, count, elapsed)
	s.Close()
	ctx.Term()
}
