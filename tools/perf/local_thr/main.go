// Command local_thr is libzmq's local_thr on zring: a PULL socket binds,
// receives message-count messages and prints the throughput.
//
//	local_thr <bind-to> <message-size> <message-count>
//
// ZRING_PERF_MECHANISM=plain or curve secures the connection, this side
// being the server, with the credentials and keys bench/libzmq's tools hold too
// (perf.Secure).
package main

import (
	"github.com/zring/zring"
	"github.com/zring/zring/tools/perf/internal/perf"
)

func main() {
	defer perf.Profile()()
	ep, size, count := perf.Args("<bind-to> <message-size> <message-count>", true)
	ctx, s := perf.Open(zring.PULL, ep, true)
	elapsed := perf.Drain(s, size, count)
	perf.Throughput(size, count, elapsed) // as libzmq: all messages over the time from the first
	s.Close()
	ctx.Term()
}
