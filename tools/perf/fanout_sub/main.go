// Command fanout_sub is the receiving side of zbench's fan-out case, as
// bench/libzmq's fanout_sub: subscribers SUB sockets on one context connect,
// subscribe to everything and each receive message-count messages. Each
// socket has its own goroutine blocked in Recv, the way a Go program serves
// many sockets. The clock runs from the first message on any socket to the
// last on every socket; the rate printed is deliveries per second.
//
//	fanout_sub <connect-to> <subscribers> <message-size> <message-count>
//
// ZRING_PERF_MECHANISM=plain or curve secures the connections, this side
// being the client, with the credentials and keys bench/libzmq's tools hold too
// (perf.Secure).
package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zring/zring"
	"github.com/zring/zring/tools/perf/internal/perf"
)

func main() {
	defer perf.Profile()()
	ep, subs, size, count := perf.FanoutArgs("<connect-to> <subscribers> <message-size> <message-count>")
	ctx, err := zring.NewContext()
	if err != nil {
		perf.Die("zmq_init", err)
	}
	socks := make([]*zring.Socket, subs)
	for i := range socks {
		socks[i] = perf.Attach(ctx, zring.SUB, ep, false)
		if err := socks[i].SetOption(zring.Subscribe, ""); err != nil {
			perf.Die("zmq_setsockopt", err)
		}
	}
	base := time.Now()
	var first atomic.Int64 // when the first message arrived anywhere, in ns since base (+1, so that 0 is unset)
	var wg sync.WaitGroup
	for _, s := range socks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var m zring.Msg
			for i := 0; i < count; i++ {
				if err := s.RecvMsg(&m, 0); err != nil {
					perf.Die("zmq_recvmsg", err)
				}
				if len(m.Data) != size {
					perf.Die("zmq_recvmsg", fmt.Errorf("message of incorrect size received: %d", len(m.Data)))
				}
				m.Free()
				if i == 0 && first.Load() == 0 {
					first.CompareAndSwap(0, int64(time.Since(base))+1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(base) - time.Duration(first.Load()-1)
	perf.Fanout(size, count, subs, elapsed)
	for _, s := range socks {
		s.Close()
	}
	ctx.Term()
}
