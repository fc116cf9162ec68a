// Command zring_local_lat_ms is zring's tools/perf/local_lat (same loop as
// its perf.Echo) plus the allocation report the gnet probes print with
// GNETPROBE_MEMSTATS=1.
//
//	zring_local_lat_ms <bind-to> <message-size> <roundtrip-count>
package main

import (
	"fmt"
	"os"

	"github.com/zring/zring"
	"github.com/zring/zring/bench/gnetprobe/internal/probe"
)

func main() {
	ep, size, count := probe.Args("<bind-to> <message-size> <roundtrip-count>")
	ctx, err := zring.NewContext()
	if err != nil {
		probe.Die("zmq_init", err)
	}
	s, err := ctx.NewSocket(zring.REP)
	if err != nil {
		probe.Die("zmq_socket", err)
	}
	if err := s.Bind(ep); err != nil {
		probe.Die("zmq_bind", err)
	}
	var m zring.Msg
	var mem probe.Mem
	for i := 0; i < count; i++ {
		if err := s.RecvMsg(&m, 0); err != nil {
			probe.Die("zmq_recvmsg", err)
		}
		if len(m.Data) != size {
			fmt.Println("message of incorrect size received")
			os.Exit(1)
		}
		if err := s.SendMsg(&m, 0); err != nil {
			probe.Die("zmq_sendmsg", err)
		}
		if i == 0 {
			mem = probe.Snap()
		}
	}
	mem.Report("round trips 2..n", count-1)
	s.Close()
	ctx.Term()
}
