// Command zring_local_thr_ms is zring's tools/perf/local_thr (same loop as
// its perf.Drain) plus the allocation report the gnet probes print with
// GNETPROBE_MEMSTATS=1, so both receivers are counted the same way.
//
//	zring_local_thr_ms <bind-to> <message-size> <message-count>
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/zring/zring"
	"github.com/zring/zring/bench/gnetprobe/internal/probe"
)

func main() {
	ep, size, count := probe.Args("<bind-to> <message-size> <message-count>")
	ctx, err := zring.NewContext()
	if err != nil {
		probe.Die("zmq_init", err)
	}
	s, err := ctx.NewSocket(zring.PULL)
	if err != nil {
		probe.Die("zmq_socket", err)
	}
	if err := s.Bind(ep); err != nil {
		probe.Die("zmq_bind", err)
	}
	var m zring.Msg
	var start time.Time
	var mem probe.Mem
	for i := 0; i < count; i++ {
		if err := s.RecvMsg(&m, 0); err != nil {
			probe.Die("zmq_recvmsg", err)
		}
		if len(m.Data) != size {
			fmt.Println("message of incorrect size received")
			os.Exit(1)
		}
		m.Free()
		if i == 0 {
			mem = probe.Snap()
			start = time.Now()
		}
	}
	probe.Throughput(size, count, time.Since(start))
	mem.Report("first..last message", count)
	s.Close()
	ctx.Term()
}
