// Command remote_thr is libzmq's remote_thr on zring: a PUSH socket
// connects and sends message-count messages of message-size bytes.
//
//	remote_thr <connect-to> <message-size> <message-count>
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
	ep, size, count := perf.Args("<connect-to> <message-size> <message-count>", true)
	ctx, s := perf.Open(zring.PUSH, ep, false)
	perf.Pump(s, size, count)
	s.Close()
	ctx.Term() // linger -1: returns once every message is on the wire
}
