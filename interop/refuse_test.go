package interop

import (
	"testing"
	"time"

	"github.com/zring/zring"
)

// refuseCase puts a libzmq peer of an incompatible socket type next to a
// compatible one on the same zring socket. ZMTP 3.1 (RFC 37) has each side
// check the other's Socket-Type in the READY command and close the
// connection when the pair is not valid, so the bad peer must never take
// part in routing, and the zring socket must go on serving the good peer.
type refuseCase struct {
	name       string
	zring      zring.SocketType
	zringBinds bool // else zring connects, with ZMQ_IMMEDIATE=1
	bad, good  zring.SocketType
	// check runs once the peers are linked: it may use bad to try to get
	// a message through and must show good being served.
	check func(t *testing.T, z, bad, good peer)
}

var refuseCases = []refuseCase{
	{name: "libzmq_PUSH->zring_PUSH", zring: zring.PUSH, zringBinds: true, bad: zring.PUSH, good: zring.PULL,
		check: refusePush},
	{name: "libzmq_PAIR->zring_PULL", zring: zring.PULL, zringBinds: true, bad: zring.PAIR, good: zring.PUSH,
		check: refusePull},
	{name: "libzmq_PULL->zring_REQ", zring: zring.REQ, zringBinds: true, bad: zring.PULL, good: zring.REP,
		check: refuseReq},
	// zring connects to both. With ZMQ_IMMEDIATE=0 a connecting socket
	// queues messages for an endpoint before any handshake, in libzmq
	// too, and load-balancing would park some of them on the refused
	// endpoint; ZMQ_IMMEDIATE=1 routes to completed connections only.
	{name: "zring_PUSH->libzmq_PUSH", zring: zring.PUSH, bad: zring.PUSH, good: zring.PULL,
		check: refusePush},
	{name: "zring_REQ->libzmq_PULL", zring: zring.REQ, bad: zring.PULL, good: zring.REP,
		check: refuseReq},
}

// TestIncompatibleRefused runs each refuseCase on tcp and ipc.
func TestIncompatibleRefused(t *testing.T) {
	for _, tr := range transports {
		for _, rc := range refuseCases {
			t.Run(tr+"/"+rc.name, func(t *testing.T) {
				cs := newContexts(t)
				z := newZring(t, cs.z, rc.zring)
				bad, good := newLibzmq(t, cs.l, rc.bad), newLibzmq(t, cs.l, rc.good)
				if rc.zringBinds {
					ep, err := z.bind(wildcard(t, tr, zringImpl))
					if err != nil {
						t.Fatal(err)
					}
					// The bad peer first: were it let in, it would be
					// the first pipe that load-balancing picks.
					for _, p := range []peer{bad, good} {
						if err := p.connect(ep); err != nil {
							t.Fatalf("%v connect: %v", p, err)
						}
					}
				} else {
					if err := z.s.SetOption(zring.Immediate, 1); err != nil {
						t.Fatal(err)
					}
					for _, p := range []peer{bad, good} {
						ep, err := p.bind(wildcard(t, tr, libzmqImpl))
						if err != nil {
							t.Fatalf("%v bind: %v", p, err)
						}
						if err := z.connect(ep); err != nil {
							t.Fatalf("%v connect %s: %v", z, ep, err)
						}
					}
				}
				rc.check(t, z, bad, good)
				// The refused peer keeps reconnecting (every 50 ms, or
				// zring does towards it); the zring socket must be
				// unharmed by the repeated failed handshakes.
				time.Sleep(300 * time.Millisecond)
				rc.check(t, z, bad, good)
			})
		}
	}
}

// refusePush: every message the zring PUSH sends reaches the good PULL, in
// order; none is load-balanced to the refused peer.
func refusePush(t *testing.T, z, bad, good peer) {
	const n = 20
	for i := 0; i < n; i++ {
		mustSend(t, z, [][]byte{seq(i)})
	}
	for i := 0; i < n; i++ {
		expect(t, good, [][]byte{seq(i)})
	}
}

// refusePull: the bad PAIR queues a message (it is connecting, with
// ZMQ_IMMEDIATE=0) that must never reach the zring PULL; the good PUSH's
// messages all do.
func refusePull(t *testing.T, z, bad, good peer) {
	bad.send(frames("from the incompatible peer"), zring.DontWait) // queued or refused: either way it must not arrive
	const n = 10
	for i := 0; i < n; i++ {
		mustSend(t, good, [][]byte{seq(i)})
	}
	for i := 0; i < n; i++ {
		expect(t, z, [][]byte{seq(i)})
	}
	expectNothing(t, z, 100*time.Millisecond)
}

// refuseReq: every request of the zring REQ goes to the good REP and is
// answered; one routed to the refused peer would leave the REQ waiting for
// a reply that never comes.
func refuseReq(t *testing.T, z, _, good peer) {
	for i := 0; i < 10; i++ {
		mustSend(t, z, [][]byte{seq(i)})
		deliverReqRep(t, z, good, [][]byte{seq(i)})
	}
}
