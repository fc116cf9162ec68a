// Command remote_lat is libzmq's remote_lat on zring: a REQ socket connects,
// times roundtrip-count round trips and prints the average one-way latency
// (half the round trip, as libzmq does) and its p50, p99 and p99.9.
//
//	remote_lat <connect-to> <message-size> <roundtrip-count>
//
// ZRING_PERF_MECHANISM=plain or curve secures the connection, this side
// being the client, with the credentials and keys bench/libzmq's tools hold too
// (perf.Secure).
package main

import (
	"github.com/zring/zring"
	"github.com/zring/zring/tools/perf/internal/perf"
)

func main() {
	defer perf.Profile()()
	ep, size, count := perf.Args("<connect-to> <message-size> <roundtrip-count>", true)
	ctx, s := perf.Open(zring.REQ, ep, false)
	samples, elapsed := perf.RoundTrips(s, size, count)
	perf.Latency(size, samples, elapsed)
	s.Close()
	ctx.Term()
}
