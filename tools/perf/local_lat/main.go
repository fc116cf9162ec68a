// Command local_lat is libzmq's local_lat on zring: a REP socket binds and
// echoes roundtrip-count messages.
//
//	local_lat <bind-to> <message-size> <roundtrip-count>
package main

import (
	"github.com/zring/zring"
	"github.com/zring/zring/tools/perf/internal/perf"
)

func main() {
	ep, size, count := perf.Args("<bind-to> <message-size> <roundtrip-count>", true)
	ctx, err := zring.NewContext()
	if err != nil {
		perf.Die("zmq_init", err)
	}
	s := perf.Must(ctx.NewSocket(zring.REP))
	if err := s.Bind(ep); err != nil {
		perf.Die("zmq_bind", err)
	}
	perf.Echo(s, size, count)
	s.Close()
	ctx.Term()
}
