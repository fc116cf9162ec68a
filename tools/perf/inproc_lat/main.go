// Command inproc_lat is libzmq's inproc_lat on zring: REQ and REP over
// inproc in one process, with the average one-way latency and its p50, p99
// and p99.9.
//
//	inproc_lat <message-size> <roundtrip-count>
package main

import (
	"github.com/zring/zring"
	"github.com/zring/zring/tools/perf/internal/perf"
)

func main() {
	_, size, count := perf.Args("<message-size> <roundtrip-count>", false)
	ctx, err := zring.NewContext()
	if err != nil {
		perf.Die("zmq_init", err)
	}
	rep := perf.Must(ctx.NewSocket(zring.REP))
	if err := rep.Bind("inproc://lat_test"); err != nil {
		perf.Die("zmq_bind", err)
	}
	go perf.Echo(rep, size, count)
	req := perf.Must(ctx.NewSocket(zring.REQ))
	if err := req.Connect("inproc://lat_test"); err != nil {
		perf.Die("zmq_connect", err)
	}
	samples, elapsed := perf.RoundTrips(req, size, count)
	perf.Latency(size, samples, elapsed)
	req.Close()
	ctx.Shutdown()
}
