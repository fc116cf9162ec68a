// Command remote_lat is libzmq's remote_lat on zring: a REQ socket connects,
// times roundtrip-count round trips and prints the average one-way latency
// (half the round trip, as libzmq does) and its p50, p99 and p99.9.
//
//	remote_lat <connect-to> <message-size> <roundtrip-count>
package main

import (
	"github.com/zring/zring"
	"github.com/zring/zring/tools/perf/internal/perf"
)

func main() {
	ep, size, count := perf.Args("<connect-to> <message-size> <roundtrip-count>", true)
	ctx, err := zring.NewContext()
	if err != nil {
		perf.Die("zmq_init", err)
	}
	s := perf.Must(ctx.NewSocket(zring.REQ))
	if err := s.Connect(ep); err != nil {
		perf.Die("zmq_connect", err)
	}
	samples, elapsed := perf.RoundTrips(s, size, count)
	perf.Latency(size, samples, elapsed)
	s.Close()
	ctx.Term()
}
