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
	defer perf.Profile()()
	_, size, count := perf.Args("<message-size> <roundtrip-count>", false)
	ctx, rep := perf.Open(zring.REP, "inproc://lat_test", true)
	go perf.Echo(rep, size, count)
	req := perf.Attach(ctx, zring.REQ, "inproc://lat_test", false)
	samples, elapsed := perf.RoundTrips(req, size, count)
	perf.Latency(size, samples, elapsed)
	req.Close()
	ctx.Shutdown()
}
