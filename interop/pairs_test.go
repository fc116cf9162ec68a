package interop

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	zmq "github.com/pebbe/zmq4"
	"github.com/zring/zring"
)

// burstLen is how many small messages a burst sends, each of which must
// arrive, in order.
const burstLen = 10000

// payloads are the messages every pair exchanges, in both directions the
// pair allows.
var payloads = []struct {
	name string
	msg  [][]byte
}{
	{"single", frames("hello")},
	{"multipart", frames("a", "bb", "ccc", "dddd")},
	{"empty", frames("")},
	{"empty_frames", frames("", "middle", "", "")},
	// ZMTP frames up to 255 bytes carry a 1-byte size, longer ones 8
	// bytes; 8192 is the default IN/OUT_BATCH_SIZE of both libraries.
	{"255B_256B", [][]byte{pattern(255, 4), pattern(256, 5)}},
	{"8191B_8192B_8193B", [][]byte{pattern(8191, 6), pattern(8192, 7), pattern(8193, 8)}},
	{"100_frames", manyFrames(100)},
	{"1MiB", [][]byte{pattern(1<<20, 1)}},
	{"1MiB_multipart", [][]byte{[]byte("head"), pattern(1<<20, 2), {}, pattern(1<<20+1, 3)}},
}

func manyFrames(n int) [][]byte {
	m := make([][]byte, n)
	for i := range m {
		m[i] = pattern(i, uint32(i))
	}
	return m
}

// reply is what a replying side answers to msg: a distinct message that
// still carries msg, so a reply cannot be mistaken for an echo of the
// wrong request.
func reply(msg [][]byte) [][]byte { return append(frames("re"), msg...) }

// pairCase is one socket pair. a sends first (PUSH, REQ, DEALER, or either
// PAIR); each case runs with each side as the binder, on each transport.
type pairCase struct {
	name  string // the subtest's name
	a, b  side
	setup func(t *testing.T, a, b peer) // options to set before linking; may be nil
	// exchange sends msg across the pair (and the reply back, for
	// request-reply pairs) and checks what arrives.
	exchange func(t *testing.T, a, b peer, msg [][]byte)
	// burst moves n small messages (or round trips) and checks their order.
	burst func(t *testing.T, a, b peer, n int)
}

func zringSide(typ zring.SocketType) side  { return side{zringImpl, typ} }
func libzmqSide(typ zring.SocketType) side { return side{libzmqImpl, typ} }

var pairCases = []pairCase{
	{name: "zring_PUSH->libzmq_PULL", a: zringSide(zring.PUSH), b: libzmqSide(zring.PULL), exchange: oneWay, burst: oneWayBurst},
	{name: "libzmq_PUSH->zring_PULL", a: libzmqSide(zring.PUSH), b: zringSide(zring.PULL), exchange: oneWay, burst: oneWayBurst},
	{name: "zring_REQ->libzmq_REP", a: zringSide(zring.REQ), b: libzmqSide(zring.REP), exchange: reqRep, burst: reqRepBurst},
	{name: "libzmq_REQ->zring_REP", a: libzmqSide(zring.REQ), b: zringSide(zring.REP), exchange: reqRep, burst: reqRepBurst},
	{name: "zring_PAIR<->libzmq_PAIR", a: zringSide(zring.PAIR), b: libzmqSide(zring.PAIR), exchange: bothWays, burst: bothWaysBurst},
	{name: "zring_REQ->libzmq_ROUTER", a: zringSide(zring.REQ), b: libzmqSide(zring.ROUTER),
		exchange: reqRouter(checkGeneratedID), burst: reqRouterBurst},
	{name: "zring_REQ(ROUTING_ID)->libzmq_ROUTER", a: zringSide(zring.REQ), b: libzmqSide(zring.ROUTER),
		setup: func(t *testing.T, a, _ peer) {
			if err := a.(*zringPeer).s.SetOption(zring.RoutingID, []byte(reqRoutingID)); err != nil {
				t.Fatal(err)
			}
		},
		exchange: reqRouter(checkID(reqRoutingID)), burst: reqRouterBurst},
	{name: "libzmq_DEALER->zring_REP", a: libzmqSide(zring.DEALER), b: zringSide(zring.REP), exchange: dealerRep, burst: dealerRepBurst},
	{name: "zring_DEALER->libzmq_REP", a: zringSide(zring.DEALER), b: libzmqSide(zring.REP), exchange: dealerRep, burst: dealerRepBurst},
	{name: "libzmq_REQ->zring_ROUTER", a: libzmqSide(zring.REQ), b: zringSide(zring.ROUTER),
		exchange: reqRouter(checkGeneratedID), burst: reqRouterBurst},
	{name: "libzmq_REQ(ROUTING_ID)->zring_ROUTER", a: libzmqSide(zring.REQ), b: zringSide(zring.ROUTER),
		setup: func(t *testing.T, a, _ peer) {
			if err := a.(*libzmqPeer).s.SetIdentity(reqRoutingID); err != nil {
				t.Fatal(err)
			}
		},
		exchange: reqRouter(checkID(reqRoutingID)), burst: reqRouterBurst},
	{name: "zring_DEALER->libzmq_ROUTER", a: zringSide(zring.DEALER), b: libzmqSide(zring.ROUTER),
		setup: dealerID, exchange: dealerRouter, burst: dealerRouterBurst},
	{name: "libzmq_DEALER->zring_ROUTER", a: libzmqSide(zring.DEALER), b: zringSide(zring.ROUTER),
		setup: dealerID, exchange: dealerRouter, burst: dealerRouterBurst},
	{name: "zring_DEALER<->libzmq_DEALER", a: zringSide(zring.DEALER), b: libzmqSide(zring.DEALER), exchange: bothWays, burst: bothWaysBurst},
	{name: "zring_PUB->libzmq_SUB", a: zringSide(zring.PUB), b: libzmqSide(zring.SUB), setup: subscribeAll, exchange: pubSub, burst: pubSubBurst},
	{name: "libzmq_PUB->zring_SUB", a: libzmqSide(zring.PUB), b: zringSide(zring.SUB), setup: subscribeAll, exchange: pubSub, burst: pubSubBurst},
}

// subscribeAll subscribes the SUB side to everything (the empty topic),
// and lifts the publisher's SNDHWM: the burst checks delivery and order,
// not the HWM (TestMuteStateDrops does that), and libzmq's PUB drops below
// its HWM in a burst, even towards a libzmq SUB: its pipe hears of what the
// reader consumed only through commands its application thread processes
// now and then, so its count of queued messages runs ahead.
func subscribeAll(t *testing.T, a, b peer) {
	subscribe(t, b, "")
	setBoth(t, a, func(s *zring.Socket) error { return s.SetOption(zring.SndHWM, 0) },
		func(s *zmq.Socket) error { return s.SetSndhwm(0) })
}

// awaitSubscription publishes a probe until the SUB gets one, then drains
// the probes still on their way: a subscription reaches the publisher some
// time after the connection (zmq_socket(3)'s slow joiner), and until then
// the publisher drops what it sends.
func awaitSubscription(t *testing.T, a, b peer) {
	probe := [][]byte{[]byte("probe")}
	deadline := time.Now().Add(ioTimeout)
	for got := false; !got; {
		if time.Now().After(deadline) {
			t.Fatalf("%v never received from %v: the subscription did not arrive", b, a)
		}
		mustSend(t, a, probe)
		time.Sleep(5 * time.Millisecond)
		for {
			m, err := b.recv(zring.DontWait)
			if err != nil {
				break
			}
			if diff(m, probe) != "" {
				t.Fatalf("%v received %s while waiting for a probe", b, show(m))
			}
			got = true
		}
	}
	// Probes sent before the first one arrived may still be on their way
	// (libzmq's I/O thread sends them when it gets to them): a marker sent
	// now comes after all of them on the one connection, so the SUB is
	// drained once the marker is in.
	end := [][]byte{[]byte("probes end")}
	mustSend(t, a, end)
	for {
		m, err := b.recv(0)
		if err != nil {
			t.Fatalf("%v: waiting for the end of the probes: %v", b, err)
		}
		if diff(m, end) == "" {
			return
		}
		if diff(m, probe) != "" {
			t.Fatalf("%v received %s while draining the probes", b, show(m))
		}
	}
}

// pubSub: "Messages sent are distributed in a fan out fashion to all
// connected peers" that subscribed: the SUB, subscribed to everything,
// receives each message whole. The subscription travels as a SUBSCRIBE
// command (ZMTP 3.1: libzmq 4.3.4 and zring both greet with 3.1).
func pubSub(t *testing.T, a, b peer, msg [][]byte) {
	awaitSubscription(t, a, b)
	mustSend(t, a, msg)
	expect(t, b, msg)
}

// pubSubBurst moves n messages in order, in rounds of 500, each received
// before the next is sent, so that the subscriber's RCVHWM is never what
// drops one ("Action in mute state: Drop").
func pubSubBurst(t *testing.T, a, b peer, n int) {
	awaitSubscription(t, a, b)
	const round = 500
	for i := 0; i < n; i += round {
		for j := i; j < n && j < i+round; j++ {
			mustSend(t, a, [][]byte{seq(j)})
		}
		for j := i; j < n && j < i+round; j++ {
			expect(t, b, [][]byte{seq(j)})
		}
	}
}

const dealerRoutingID = "dealer-7"

// dealerID gives the DEALER side a ZMQ_ROUTING_ID, which the ROUTER must
// then show as the first frame of what the DEALER sends.
func dealerID(t *testing.T, a, _ peer) {
	setBoth(t, a, func(s *zring.Socket) error { return s.SetOption(zring.RoutingID, dealerRoutingID) },
		func(s *zmq.Socket) error { return s.SetIdentity(dealerRoutingID) })
}

// reqRoutingID is as long as a routing id may be (255 bytes), so that
// the READY property carrying it is as long as it gets.
var reqRoutingID = strings.Repeat("zring-req.", 25) + "zring"

// TestPairs runs every socket pair of this release over tcp and ipc, with
// zring binding and libzmq connecting and the other way round.
func TestPairs(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			for _, pc := range pairCases {
				t.Run(pc.name, func(t *testing.T) {
					for _, binder := range []impl{zringImpl, libzmqImpl} {
						t.Run(string(binder)+"_binds", func(t *testing.T) {
							// The lockstep bursts wait on round trips,
							// not on the CPU: overlap them.
							t.Parallel()
							runPair(t, tr, pc, binder)
						})
					}
				})
			}
		})
	}
}

func runPair(t *testing.T, transport string, pc pairCase, binder impl) {
	cs := newContexts(t)
	a, b := cs.socket(t, pc.a), cs.socket(t, pc.b)
	if pc.setup != nil {
		pc.setup(t, a, b)
	}
	if pc.a.impl == binder {
		link(t, transport, a, b, binder)
	} else {
		link(t, transport, b, a, binder)
	}
	for _, p := range payloads {
		t.Run(p.name, func(t *testing.T) { pc.exchange(t, a, b, p.msg) })
	}
	t.Run("burst", func(t *testing.T) { pc.burst(t, a, b, burstLen) })
}

// ---- exchanges ----

// oneWay: "a PUSH socket ... sends messages to downstream PULL nodes".
func oneWay(t *testing.T, a, b peer, msg [][]byte) {
	mustSend(t, a, msg)
	expect(t, b, msg)
}

// bothWays: a PAIR connection carries messages in both directions.
func bothWays(t *testing.T, a, b peer, msg [][]byte) {
	mustSend(t, a, msg)
	expect(t, b, msg)
	mustSend(t, b, msg)
	expect(t, a, msg)
}

// reqRep: the REQ sends a request, the REP receives it without envelope
// and its reply goes back to that REQ.
func reqRep(t *testing.T, a, b peer, msg [][]byte) {
	mustSend(t, a, msg)
	expect(t, b, msg)
	mustSend(t, b, reply(msg))
	expect(t, a, reply(msg))
}

// reqRouter: "Each message received [by a ROUTER] is prefixed with a
// message part containing the routing id of the originating peer", and a
// REQ puts an empty delimiter before the body, so the ROUTER sees
// [routing id][empty][body...]; the ROUTER answers through the same
// envelope.
func reqRouter(checkID func([]byte) string) func(t *testing.T, a, b peer, msg [][]byte) {
	return func(t *testing.T, a, b peer, msg [][]byte) {
		mustSend(t, a, msg)
		got, err := b.recv(0)
		if err != nil {
			t.Fatalf("%v recv: %v", b, err)
		}
		if len(got) < 3 || len(got[1]) != 0 {
			t.Fatalf("%v received %s, want [routing id][empty][body...]", b, show(got))
		}
		if bad := checkID(got[0]); bad != "" {
			t.Fatalf("%v saw routing id %q: %s", b, got[0], bad)
		}
		if d := diff(got[2:], msg); d != "" {
			t.Fatalf("%v body: %s", b, d)
		}
		mustSend(t, b, append([][]byte{got[0], {}}, reply(msg)...))
		expect(t, a, reply(msg))
	}
}

// checkGeneratedID: with no ZMQ_ROUTING_ID set on the peer, libzmq's
// ROUTER makes up a 5-byte id starting with a zero byte.
func checkGeneratedID(id []byte) string {
	if len(id) != 5 || id[0] != 0 {
		return "want a generated 5-byte id starting with 0x00"
	}
	return ""
}

func checkID(want string) func([]byte) string {
	return func(id []byte) string {
		if string(id) != want {
			return fmt.Sprintf("want %q (the REQ's ZMQ_ROUTING_ID)", want)
		}
		return ""
	}
}

// dealerRouter: "When receiving messages a ZMQ_ROUTER socket shall prepend
// a message part containing the identity of the originating peer"; "When
// sending messages a ZMQ_ROUTER socket shall remove the first part of the
// message and use it to determine the identity of the peer". A DEALER adds
// nothing: the ROUTER sees [id][body...] and the DEALER the bare reply.
func dealerRouter(t *testing.T, a, b peer, msg [][]byte) {
	mustSend(t, a, msg)
	expect(t, b, append(frames(dealerRoutingID), msg...))
	mustSend(t, b, append(frames(dealerRoutingID), reply(msg)...))
	expect(t, a, reply(msg))
}

// dealerRouterBurst streams n messages each way through the ROUTER's
// routing id: DEALER to ROUTER, then ROUTER to DEALER, in order. A ROUTER
// drops what it cannot send at once ("Action in mute state: Drop"), so the
// ROUTER sends with ZMQ_ROUTER_MANDATORY, which blocks at the HWM instead.
func dealerRouterBurst(t *testing.T, a, b peer, n int) {
	setBoth(t, b, func(s *zring.Socket) error { return s.SetOption(zring.RouterMandatory, 1) },
		func(s *zmq.Socket) error { return s.SetRouterMandatory(1) })
	wait := background(t, func() error {
		for i := 0; i < n; i++ {
			if err := a.send([][]byte{seq(i)}, 0); err != nil {
				return fmt.Errorf("%v send %d of %d: %w", a, i, n, err)
			}
		}
		return nil
	})
	for i := 0; i < n; i++ {
		expect(t, b, [][]byte{[]byte(dealerRoutingID), seq(i)})
	}
	wait()
	wait = background(t, func() error {
		for i := 0; i < n; i++ {
			if err := b.send([][]byte{[]byte(dealerRoutingID), seq(i)}, 0); err != nil {
				return fmt.Errorf("%v send %d of %d: %w", b, i, n, err)
			}
		}
		return nil
	})
	defer wait()
	for i := 0; i < n; i++ {
		expect(t, a, [][]byte{seq(i)})
	}
}

// dealerRep: a DEALER talking to a REP must send the empty delimiter
// itself and gets it back before the reply.
func dealerRep(t *testing.T, a, b peer, msg [][]byte) {
	mustSend(t, a, append([][]byte{{}}, msg...))
	expect(t, b, msg)
	mustSend(t, b, reply(msg))
	expect(t, a, append([][]byte{{}}, reply(msg)...))
}

// ---- bursts ----

func seq(i int) []byte { return strconv.AppendInt([]byte("m"), int64(i), 10) }

// background runs f on its own goroutine (which then owns the sockets f
// uses) and returns a wait function that reports f's error. Callers defer
// the wait so that no goroutine still uses a socket when the test's
// cleanup closes it.
func background(t *testing.T, f func() error) (wait func()) {
	done := make(chan error, 1)
	go func() { done <- f() }()
	waited := false
	return func() {
		if waited {
			return
		}
		waited = true
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// streamBurst sends n messages from one goroutine while the test's
// goroutine receives them and checks their order.
func streamBurst(t *testing.T, from, to peer, n int) {
	wait := background(t, func() error {
		for i := 0; i < n; i++ {
			if err := from.send([][]byte{seq(i)}, 0); err != nil {
				return fmt.Errorf("%v send %d of %d: %w", from, i, n, err)
			}
		}
		return nil
	})
	defer wait()
	for i := 0; i < n; i++ {
		got, err := to.recv(0)
		if err != nil {
			t.Fatalf("%v recv %d of %d: %v", to, i, n, err)
		}
		if len(got) != 1 || !bytes.Equal(got[0], seq(i)) {
			t.Fatalf("%v message %d: got %s, want %q", to, i, show(got), seq(i))
		}
	}
}

func oneWayBurst(t *testing.T, a, b peer, n int) { streamBurst(t, a, b, n) }

func bothWaysBurst(t *testing.T, a, b peer, n int) {
	streamBurst(t, a, b, n)
	streamBurst(t, b, a, n)
}

// reqRepBurst makes n round trips, the REP answering on its own goroutine.
func reqRepBurst(t *testing.T, a, b peer, n int) {
	wait := background(t, func() error {
		for i := 0; i < n; i++ {
			m, err := b.recv(0)
			if err != nil {
				return fmt.Errorf("%v recv %d of %d: %w", b, i, n, err)
			}
			if err := b.send(m, 0); err != nil {
				return fmt.Errorf("%v send %d of %d: %w", b, i, n, err)
			}
		}
		return nil
	})
	defer wait()
	for i := 0; i < n; i++ {
		mustSend(t, a, [][]byte{seq(i)})
		expect(t, a, [][]byte{seq(i)})
	}
}

// reqRouterBurst makes n round trips through the ROUTER's envelope.
func reqRouterBurst(t *testing.T, a, b peer, n int) {
	wait := background(t, func() error {
		for i := 0; i < n; i++ {
			m, err := b.recv(0)
			if err != nil {
				return fmt.Errorf("%v recv %d of %d: %w", b, i, n, err)
			}
			if err := b.send(m, 0); err != nil { // [id][empty][body] routes back
				return fmt.Errorf("%v send %d of %d: %w", b, i, n, err)
			}
		}
		return nil
	})
	defer wait()
	for i := 0; i < n; i++ {
		mustSend(t, a, [][]byte{seq(i)})
		expect(t, a, [][]byte{seq(i)})
	}
}

// dealerRepBurst pipelines n requests from the DEALER, up to window ahead
// of the replies, which must come back in order.
func dealerRepBurst(t *testing.T, a, b peer, n int) {
	const window = 100
	wait := background(t, func() error {
		for i := 0; i < n; i++ {
			m, err := b.recv(0)
			if err != nil {
				return fmt.Errorf("%v recv %d of %d: %w", b, i, n, err)
			}
			if err := b.send(m, 0); err != nil {
				return fmt.Errorf("%v send %d of %d: %w", b, i, n, err)
			}
		}
		return nil
	})
	defer wait()
	sent := 0
	for i := 0; i < n; i++ {
		for ; sent < n && sent-i < window; sent++ {
			mustSend(t, a, [][]byte{{}, seq(sent)})
		}
		expect(t, a, [][]byte{{}, seq(i)})
	}
}

// TestDealerEnvelopeHops: a REP keeps every frame up to and including the
// empty delimiter as the envelope, hands the application only the body,
// and puts the envelope back in front of the reply; this is what lets a
// REP sit behind ROUTER/DEALER proxies.
func TestDealerEnvelopeHops(t *testing.T) {
	for _, tr := range transports {
		for _, binder := range []impl{zringImpl, libzmqImpl} {
			t.Run(tr+"/"+string(binder)+"_binds", func(t *testing.T) {
				cs := newContexts(t)
				d, r := cs.socket(t, libzmqSide(zring.DEALER)), cs.socket(t, zringSide(zring.REP))
				if binder == zringImpl {
					link(t, tr, r, d, binder)
				} else {
					link(t, tr, d, r, binder)
				}
				for i := 0; i < 3; i++ {
					body := frames("body", strconv.Itoa(i))
					mustSend(t, d, append(frames("hop2", "hop1", ""), body...))
					expect(t, r, body)
					mustSend(t, r, reply(body))
					expect(t, d, append(frames("hop2", "hop1", ""), reply(body)...))
				}
			})
		}
	}
}
