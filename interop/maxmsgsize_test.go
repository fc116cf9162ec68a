package interop

import (
	"fmt"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"

	"github.com/zring/zring"
)

// TestMaxMsgSize: "ZMQ_MAXMSGSIZE: Limits the size of the inbound message.
// If a peer sends a message larger than ZMQ_MAXMSGSIZE it is
// disconnected." A frame of exactly the limit passes (libzmq's decoder
// refuses size > limit), the offending peer is disconnected, the other
// peer of the same zring PULL is not disturbed, and the offender may come
// back on a new connection.
func TestMaxMsgSize(t *testing.T) {
	const limit = 1000
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			cs := newContexts(t)
			z := newZring(t, cs.z, zring.PULL)
			if err := z.s.SetOption(zring.MaxMsgSize, int64(limit)); err != nil {
				t.Fatal(err)
			}
			ep, err := z.bind(wildcard(t, tr, zringImpl))
			if err != nil {
				t.Fatal(err)
			}
			offender, other := newLibzmq(t, cs.l, zring.PUSH), newLibzmq(t, cs.l, zring.PUSH)
			disconnected := watchDisconnects(t, cs.l, offender)
			for _, p := range []*libzmqPeer{offender, other} {
				if err := p.connect(ep); err != nil {
					t.Fatal(err)
				}
			}

			atLimit := [][]byte{pattern(limit, 7)}
			mustSend(t, offender, atLimit)
			expect(t, z, atLimit)
			mustSend(t, other, frames("other 0"))
			expect(t, z, frames("other 0"))

			mustSend(t, offender, [][]byte{pattern(limit+1, 8)})
			disconnected(t)

			for i := 1; i <= 10; i++ {
				m := frames(fmt.Sprintf("other %d", i))
				mustSend(t, other, m)
				expect(t, z, m) // the oversized message must never show up here
			}
			expectNothing(t, z, 50*time.Millisecond)

			// libzmq reconnects after RECONNECT_IVL; the new connection
			// is served like any other.
			mustSend(t, offender, frames("offender again"))
			expect(t, z, frames("offender again"))
		})
	}
}

var monitorSeq int

// watchDisconnects monitors p (zmq_socket_monitor) for
// ZMQ_EVENT_DISCONNECTED and returns a function that waits for the next
// such event. The test closes the monitor's socket before p (cleanups run
// last in, first out), which libzmq allows.
func watchDisconnects(t *testing.T, ctx *zmq.Context, p *libzmqPeer) func(*testing.T) {
	t.Helper()
	monitorSeq++
	addr := fmt.Sprintf("inproc://monitor-%d", monitorSeq)
	if err := p.s.Monitor(addr, zmq.EVENT_DISCONNECTED); err != nil {
		t.Fatal(err)
	}
	mon, err := ctx.NewSocket(zmq.PAIR)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mon.Close() })
	for _, set := range []func() error{
		func() error { return mon.SetLinger(0) },
		func() error { return mon.SetRcvtimeo(ioTimeout) },
		func() error { return mon.Connect(addr) },
	} {
		if err := set(); err != nil {
			t.Fatal(err)
		}
	}
	return func(t *testing.T) {
		t.Helper()
		ev, _, _, err := mon.RecvEvent(0)
		if err != nil {
			t.Fatalf("%v was not disconnected: waiting for ZMQ_EVENT_DISCONNECTED: %v", p, err)
		}
		if ev != zmq.EVENT_DISCONNECTED {
			t.Fatalf("%v: monitor event %v, want EVENT_DISCONNECTED", p, ev)
		}
	}
}
