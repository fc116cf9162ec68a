// Command local_lat is libzmq's local_lat on zring: a REP socket binds and
// echoes roundtrip-count messages.
//
//	local_lat <bind-to> <message-size> <roundtrip-count>
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
	ep, size, count := perf.Args("<bind-to> <message-size> <roundtrip-count>", true)
	ctx, s := perf.Open(zring.REP, ep, true)
	perf.Echo(s, size, count)
	s.Close()
	ctx.Term()
}
