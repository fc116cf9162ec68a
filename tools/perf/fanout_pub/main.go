// Command fanout_pub is the publishing side of zbench's fan-out case, as
// bench/libzmq's fanout_pub: an XPUB binds, waits until subscribers
// subscriptions have arrived (XPubVerbose passes up each one), then sends
// message-count messages of message-size bytes. XPubNoDrop makes Send wait
// while any subscriber's queue is full, so every subscriber gets every
// message and the other end measures delivery, not dropping.
//
//	fanout_pub <bind-to> <subscribers> <message-size> <message-count>
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
	ep, subs, size, count := perf.FanoutArgs("<bind-to> <subscribers> <message-size> <message-count>")
	ctx, err := zring.NewContext()
	if err != nil {
		perf.Die("zmq_init", err)
	}
	s, err := ctx.NewSocket(zring.XPUB)
	if err != nil {
		perf.Die("zmq_socket", err)
	}
	if err := s.SetOption(zring.XPubVerbose, 1); err != nil {
		perf.Die("zmq_setsockopt", err)
	}
	if err := s.SetOption(zring.XPubNoDrop, 1); err != nil {
		perf.Die("zmq_setsockopt", err)
	}
	perf.Secure(ctx, s, ep, true)
	if err := s.Bind(ep); err != nil {
		perf.Die("zmq_bind", err)
	}
	var m zring.Msg
	for joined := 0; joined < subs; {
		if err := s.RecvMsg(&m, 0); err != nil {
			perf.Die("zmq_recvmsg", err)
		}
		if len(m.Data) >= 1 && m.Data[0] == 1 {
			joined++
		}
		m.Free()
	}
	perf.Pump(s, size, count)
	s.Close()
	ctx.Term() // linger -1: returns once every message is on the wire
}
