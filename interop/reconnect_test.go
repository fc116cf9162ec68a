package interop

import (
	"testing"
	"time"

	"github.com/zring/zring"
)

// settle is how long a test waits after closing a socket for its peer to
// see the connection go (on loopback that takes microseconds; the margin is
// for loaded machines). A message sent before the peer notices would go
// into the dead connection and be lost, in libzmq as in zring, so the tests
// do not send during that window.
const settle = 200 * time.Millisecond

// reconnectCase is a connecting socket that stays and a bound socket that
// is closed and replaced by a new one bound on the same endpoint.
type reconnectCase struct {
	name      string
	connecter side
	binder    side
	// deliver completes the exchange of msg, which the connecter has
	// already sent: the binder receives it and, for REQ, replies.
	deliver func(t *testing.T, c, b peer, msg [][]byte)
}

func deliverOneWay(t *testing.T, _, b peer, msg [][]byte) { expect(t, b, msg) }

func deliverReqRep(t *testing.T, c, b peer, msg [][]byte) {
	expect(t, b, msg)
	mustSend(t, b, reply(msg))
	expect(t, c, reply(msg))
}

var reconnectCases = []reconnectCase{
	// zring connects, libzmq's socket is closed and rebound.
	{"zring_PUSH->libzmq_PULL", zringSide(zring.PUSH), libzmqSide(zring.PULL), deliverOneWay},
	{"zring_REQ->libzmq_REP", zringSide(zring.REQ), libzmqSide(zring.REP), deliverReqRep},
	// libzmq connects, zring's socket is closed and rebound.
	{"libzmq_PUSH->zring_PULL", libzmqSide(zring.PUSH), zringSide(zring.PULL), deliverOneWay},
	{"libzmq_REQ->zring_REP", libzmqSide(zring.REQ), zringSide(zring.REP), deliverReqRep},
}

// TestReconnect: a connecting socket (RECONNECT_IVL 50 ms) whose peer's
// socket is closed and a new one bound on the same tcp port or ipc path
// reconnects by itself and delivers. Per zmq_setsockopt(3) ZMQ_IMMEDIATE
// (default 0), a message sent while disconnected is queued on the
// connecting side and delivered once the connection is back.
func TestReconnect(t *testing.T) {
	for _, tr := range transports {
		for _, rc := range reconnectCases {
			t.Run(tr+"/"+rc.name, func(t *testing.T) {
				cs := newContexts(t)
				c, b1 := cs.socket(t, rc.connecter), cs.socket(t, rc.binder)
				ep, err := b1.bind(wildcard(t, tr, rc.binder.impl))
				if err != nil {
					t.Fatalf("%v bind: %v", b1, err)
				}
				if err := c.connect(ep); err != nil {
					t.Fatalf("%v connect %s: %v", c, ep, err)
				}
				mustSend(t, c, frames("before"))
				rc.deliver(t, c, b1, frames("before"))

				if err := b1.close(); err != nil {
					t.Fatalf("%v close: %v", b1, err)
				}
				time.Sleep(settle)
				queued := frames("queued while disconnected")
				err = c.send(queued, zring.DontWait)
				if err != nil {
					t.Errorf("%v send while disconnected: %v; want the message queued (ZMQ_IMMEDIATE=0)", c, err)
				}

				b2 := cs.socket(t, rc.binder)
				rebind(t, b2, ep)
				start := time.Now()
				if err == nil {
					rc.deliver(t, c, b2, queued)
				} else {
					mustSend(t, c, frames("after"))
					rc.deliver(t, c, b2, frames("after"))
				}
				t.Logf("first delivery %v after the rebind", time.Since(start).Round(time.Millisecond))
				for i := 0; i < 100; i++ {
					mustSend(t, c, [][]byte{seq(i)})
					rc.deliver(t, c, b2, [][]byte{seq(i)})
				}
			})
		}
	}
}
